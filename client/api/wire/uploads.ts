/** POST …/files: the stored upload, referenced as `ref` in a later submit's fileRefs. */
export interface StoredFile {
  ref: string;
  size: number;
  /** True when the same content was already stored. */
  existed: boolean;
}

export interface UploadReply extends StoredFile {
  filename: string;
}
