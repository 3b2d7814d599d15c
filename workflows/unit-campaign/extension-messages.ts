/**
 * 延期申请 messages: a unit asks for a later deadline, its 指导组 (within the plan's limit) or the
 * 活动办 decides. Schemas and Update definitions only; re-exported by messages.ts, which is what
 * clients import.
 */
import { defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { dueText, id, text } from '../../domain/input/fields.js';
import { taskId } from './message-fields.js';
import type { UpdateAck } from './messages.js';

export const RequestExtensionRequest = z.strictObject({
  taskId,
  /** The unit's liaison or head. */
  requestedBy: id('申请人编号'),
  /** Later than the current deadline; asked for before that deadline. */
  newDue: dueText.describe('申请的新截止时间：日期（2009-12-20）或带时区的时刻'),
  reason: text('延期理由', 500).describe('延期理由'),
});
export type RequestExtensionRequest = z.infer<typeof RequestExtensionRequest>;

export const DecideExtensionRequest = z.strictObject({
  taskId,
  /** A member of the unit's 指导组 (within the plan's limit) or the office. */
  decidedBy: id('审批人编号'),
  decision: z.enum(['approve', 'refuse']).describe('approve 同意，refuse 不同意'),
  /** Required when refusing. */
  comment: text('审批意见', 500).optional().describe('审批意见（不同意时必填）'),
});
export type DecideExtensionRequest = z.infer<typeof DecideExtensionRequest>;

export const requestExtensionUpdate = defineUpdate<UpdateAck, [RequestExtensionRequest]>('requestExtension');
export const decideExtensionUpdate = defineUpdate<UpdateAck, [DecideExtensionRequest]>('decideExtension');
