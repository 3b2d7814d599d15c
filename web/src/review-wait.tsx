/** 等待审查（第 N 个工作日） beside a submission, with its 审查时限 and, once past it, how far it has gone up. */
import type { ReviewView } from '../../workflows/unit-campaign/messages.js';
import { reviewWaitText } from '../../domain/review-wait.js';
import { when } from './format.js';

const LEVEL = ['', '已督办组长', '已通报活动办'];

export function ReviewWaitNote({ review }: { review: ReviewView }) {
  return (
    <span class={`review-wait${review.overdue ? ' danger' : ''}`} data-working-day={review.workingDay}>
      {' · '}
      {reviewWaitText(review)}
      {review.dueAt && <span class="muted"> · 审查时限 {when(review.dueAt)}</span>}
      {review.escalationLevel > 0 && (
        <span class="muted">
          {' '}
          · {LEVEL[review.escalationLevel] ?? `审查督办 ${review.escalationLevel} 级`}
        </span>
      )}
    </span>
  );
}
