/**
 * The body of POST …/notification-problems/:id/resolution (「标记已处理」), validated with zod on the
 * server (zod-routes.ts); who resolved it comes from the token. Its own file, so that importing the
 * problem types never brings zod into the console's bundle.
 */
import { z } from 'zod';
import { optionalText } from '../../../domain/input/fields.js';
import { RESOLUTION_KINDS, RESOLUTION_NOTE_MAX } from '../../../activities/notify/log/delivery-log.js';

export const resolutionBody = z
  .strictObject({
    kind: z
      .enum(RESOLUTION_KINDS)
      .describe('处理方式：received 已核实收到，resent 已人工补发，address_fixed 已更正地址，other 其他'),
    note: optionalText(RESOLUTION_NOTE_MAX)
      .trim()
      .optional()
      .describe(`补充说明，不超过 ${RESOLUTION_NOTE_MAX} 字`),
  })
  .describe('标记通知异常已处理');

/** What the handler receives (parsed: the note trimmed). */
export type ResolutionBody = z.infer<typeof resolutionBody>;
/** What a client sends. */
export type ResolutionRequest = z.input<typeof resolutionBody>;
