/**
 * Bodies of POST …/units/:unitId/<operation> (and of the batch routes' `request`). The server
 * validates them with the JSON schemas in ../schemas.ts, which are checked against these types at
 * compile time. The acting person is never a field: it comes from the token. Every operation
 * answers with the unit's full status (UnitCampaignStatus).
 */
export interface OperationBodies {
  submit: { taskId: string; summary: string; fileRefs?: string[] };
  review: { taskId: string; decision: 'approve' | 'return'; reasons?: string[]; failedItems?: string[] };
  acknowledge: { taskId: string; level: number; note?: string };
  extend: { taskId: string; newDue: string; reason: string };
  addGap: { title: string; note?: string; due?: string };
  survey: {
    satisfied: number;
    basicallySatisfied: number;
    dissatisfied: number;
    respondents: number;
    method: '集中评议' | '无记名投票' | '随机抽样';
  };
  pause: { reason?: string };
  resume: { reason?: string; shiftBy?: string };
  shift: { reason?: string; shift: string };
  waive: { taskId: string; reason: string };
  adhoc: { title: string; due: string; note?: string };
  cancel: { reason: string };
}

export type BodyOperation = keyof OperationBodies;
