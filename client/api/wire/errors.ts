/** The body of every refusal: a short Chinese sentence, and each problem when there are several. */
export interface ErrorBody {
  error: string;
  message: string;
  problems?: string[];
}
