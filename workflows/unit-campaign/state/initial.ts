/** A unit's state on the first run: every stage pending, and the kick-off notice queued. */
import type { Schedule } from '../../../domain/schedule/index.js';
import { notificationIds } from '../../ids.js';
import { cnDate, iso } from './clock.js';
import { common, queue, unitRef } from './outbox.js';
import { newTask } from './tasks.js';
import { note } from './timeline.js';
import { STATE_VERSION, type CampaignState, type Ctx } from './types.js';

export function initialState(ctx: Ctx, schedule: Schedule, now: number): CampaignState {
  const state: CampaignState = {
    version: STATE_VERSION,
    phase: 'running',
    startedAt: iso(now),
    stages: schedule.stages.map((s) => ({
      stageId: s.stageId,
      title: s.title,
      opens: s.opens,
      opensAt: s.opensAt,
      dueAt: s.dueAt,
      status: 'pending',
      taskIds: [...s.taskIds],
    })),
    tasks: schedule.tasks.map((t) => newTask(t, 'plan')),
    outbox: [],
    sent: 0,
    escalationsSent: 0,
    highestLevel: 0,
    surveys: [],
    remedialRound: 0,
    surveyOutcome: 'none',
    lookBackDone: false,
    gapItemsAdded: 0,
    adHocAdded: 0,
    timeline: [],
    timelineDropped: 0,
    run: 1,
  };
  const first = state.stages[0];
  queue(ctx, state, {
    id: notificationIds.kickoff(unitRef(ctx)),
    event: 'kickoff',
    facts: {
      ...common(ctx),
      firstStage: first?.title ?? '',
      firstDeadline: first ? cnDate(ctx, first.dueAt) : '',
    },
  });
  note(state, now, 'kickoff', `活动启动，共 ${state.stages.length} 个阶段、${state.tasks.length} 项工作`);
  return state;
}
