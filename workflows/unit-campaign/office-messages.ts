/**
 * What the 活动办 does to a unit as a whole: pause, resume, shift the remaining dates, waive a task,
 * add a 督办 item, cancel. Schemas and Update definitions only; re-exported by messages.ts, which is
 * what clients import.
 */
import { defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { dueText, durationText, text } from '../../domain/input/fields.js';
import { personId, taskId } from './message-fields.js';
import type { UpdateAck } from './messages.js';

/** Pause: an office member's id, and why. */
export const OfficeRequest = z.strictObject({
  by: personId,
  reason: text('暂停理由', 500).optional().describe('暂停理由'),
});
export type OfficeRequest = z.infer<typeof OfficeRequest>;

export const ResumeRequest = z.strictObject({
  by: personId,
  reason: text('说明', 500).optional().describe('说明'),
  /** Default: the paused duration, in whole days (clock time for continuous calendars). */
  shiftBy: durationText.optional().describe('顺延时长，如 5wd、7d；缺省为暂停的天数'),
});
export type ResumeRequest = z.infer<typeof ResumeRequest>;

export const ShiftDatesRequest = z.strictObject({
  by: personId,
  reason: text('说明', 500).optional().describe('说明'),
  /** Later only. Moves every task not yet finished and every stage not yet open. */
  shift: durationText.describe('顺延时长：5wd、7d、1mo、2h（只能推后）'),
});
export type ShiftDatesRequest = z.infer<typeof ShiftDatesRequest>;

export const WaiveTaskRequest = z.strictObject({
  by: personId,
  taskId,
  reason: text('免除理由', 500).describe('免除理由'),
});
export type WaiveTaskRequest = z.infer<typeof WaiveTaskRequest>;

export const AddAdHocItemRequest = z.strictObject({
  by: personId,
  title: text('督办事项名称', 100).describe('事项名称'),
  due: dueText.describe('截止时间：日期（2009-12-20）或带时区的时刻（2009-12-20T17:30:00+08:00）'),
  note: text('说明', 500).optional().describe('说明'),
});
export type AddAdHocItemRequest = z.infer<typeof AddAdHocItemRequest>;

export const CancelRequest = z.strictObject({
  by: personId,
  reason: text('撤销理由', 500).describe('撤销理由'),
});
export type CancelRequest = z.infer<typeof CancelRequest>;

export const pauseUpdate = defineUpdate<UpdateAck, [OfficeRequest]>('pause');
export const resumeUpdate = defineUpdate<UpdateAck, [ResumeRequest]>('resume');
export const shiftDatesUpdate = defineUpdate<UpdateAck, [ShiftDatesRequest]>('shiftDates');
export const waiveTaskUpdate = defineUpdate<UpdateAck, [WaiveTaskRequest]>('waiveTask');
export const addAdHocItemUpdate = defineUpdate<UpdateAck, [AddAdHocItemRequest]>('addAdHocItem');
export const cancelUpdate = defineUpdate<UpdateAck, [CancelRequest]>('cancel');
