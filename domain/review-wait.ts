/**
 * How a submission waiting for review is said to people: 等待审查（第 N 个工作日）. One sentence
 * for the CLI, the console and the API, from the published review (TaskView.review) recounted as
 * of now by statusAsOf. Pure and import-free, so the console bundles it.
 */
export interface ReviewWait {
  /** 第 N 个工作日 (the submission's day is the first). */
  workingDay: number;
  /** Past its 审查时限. */
  overdue: boolean;
}

export function reviewWaitText(r: ReviewWait): string {
  return `等待审查（第 ${r.workingDay} 个工作日）${r.overdue ? '，已超过审查时限' : ''}`;
}
