/**
 * The board's 红黄绿 (activities/status/board-derive.ts, evaluated at the reader's now) is the
 * console's own rule (web/src/format.ts ragOfTasks / ragOfUnit on statusAsOf(now)) for every stage
 * and unit of a set of statuses, at instants before, between and after their deadlines.
 */
import { describe, expect, it } from 'vitest';
import { deriveBoard, stageRagAt, unitRagAt } from '../../../activities/status/board-derive.js';
import { statusAsOf } from '../../../app/status/as-of.js';
import { ragOfTasks, ragOfUnit } from '../../../web/src/format.js';
import { STAGES, task, unitRecord, type UnitShape } from './support/board-fixtures.js';

const shapes: UnitShape[] = [
  { tasks: [task('t1')] },
  { tasks: [task('t1', { escalationLevel: 3 }), task('t2', { dueAt: '2009-09-18T09:30:00.000Z' })] },
  { tasks: [task('t1', { status: 'returned', dueAt: '2009-09-25T09:30:00.000Z' })] },
  { phase: 'paused', tasks: [task('t1', { status: 'done' })] },
  { remedialRound: 1, tasks: [task('r1', { origin: 'remedial', status: 'submitted' })] },
  { remedialRound: 1, tasks: [task('r1', { origin: 'remedial', status: 'done' })] },
  { tasks: [task('t1', { status: 'done' }), task('a1', { stageId: 'analysis', status: 'pending' })] },
  { tasks: [task('t1', { escalationLevel: 4, status: 'waived' })] },
  { tasks: [] },
];
const NOWS = ['2009-09-10T00:00:00.000Z', '2009-09-16T00:00:00.000Z', '2009-09-30T00:00:00.000Z'];

describe('board 红黄绿 = the console’s rule', () => {
  it('for every stage and unit, at every instant', () => {
    let checked = 0;
    for (const [i, shape] of shapes.entries()) {
      const r = unitRecord(`u${i}`, shape);
      const board = deriveBoard(r);
      for (const now of NOWS) {
        const s = statusAsOf(r.status, Date.parse(now));
        for (const [k, st] of STAGES.entries()) {
          const want = ragOfTasks(
            s.tasks.filter((t) => t.stageId === st.stageId),
            s,
            st.status !== 'pending',
          );
          expect([i, now, st.stageId, stageRagAt(board.unit.stages[k]!, now)]).toEqual([
            i,
            now,
            st.stageId,
            want,
          ]);
          checked += 1;
        }
        expect([i, now, unitRagAt(board.unit, now)]).toEqual([i, now, ragOfUnit(s)]);
      }
    }
    expect(checked).toBe(shapes.length * NOWS.length * STAGES.length);
  });
});
