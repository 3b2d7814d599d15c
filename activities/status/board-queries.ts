/**
 * The board's aggregate queries over the tables of board-schema.ts: counts with GROUP BY, pages
 * with LIMIT/OFFSET, every one on an index that starts with the campaign (and the 指导组 when the
 * scope has one). One text for SQLite and PostgreSQL (`?` placeholders, CASE instead of boolean
 * sums); the store passes a runner. Nothing here reads a unit's whole status.
 */
import { stageRagAt, type StageRagInput } from './board-derive.js';
import type {
  BoardEscalationPage,
  BoardRag,
  BoardReader,
  BoardReviewPage,
  BoardScope,
  BoardSummary,
  BoardSurveySummary,
  BoardUnitPage,
  BoardUnitsFilter,
  Bucket,
} from './board-types.js';

type Param = string | number | null;
export type Row = Record<string, unknown>;
export type SqlRunner = (sql: string, params: Param[]) => Promise<Row[]>;

const n = (v: unknown): number => Number(v ?? 0);
const s = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';

/** A unit's 红黄绿 at `?` (twice), as unitRagAt in board-derive.ts. */
const RAG_SQL = `CASE WHEN red_from IS NOT NULL AND red_from < ? THEN 'red'
  WHEN amber_fixed = 1 OR (amber_from IS NOT NULL AND amber_from < ?) THEN 'amber' ELSE 'green' END`;

function where(scope: BoardScope): { sql: string; params: Param[] } {
  return scope.groupId !== undefined
    ? { sql: 'campaign_id = ? AND group_id = ?', params: [scope.campaignId, scope.groupId] }
    : { sql: 'campaign_id = ?', params: [scope.campaignId] };
}

const sortBuckets = (b: Bucket[]) => b.sort((x, y) => y.count - x.count || x.value.localeCompare(y.value));

export function boardReader(all: SqlRunner): BoardReader {
  return {
    async boardSummary(scope, now) {
      const w = where(scope);
      // One scan of the narrow covering index (unit_board_counts), grouped by every dimension at
      // once: a few hundred groups at most, folded into the buckets here.
      const [cells, esc, rev, sur] = await Promise.all([
        all(
          `SELECT phase, stage, unit_type, group_id, remedial_round, ${RAG_SQL} AS rag,
             CASE WHEN earliest_due_at IS NOT NULL AND earliest_due_at < ? THEN 1 ELSE 0 END AS overdue,
             CASE WHEN open_escalations > 0 THEN 1 ELSE 0 END AS esc, COUNT(*) AS count
           FROM unit_board WHERE ${w.sql}
           GROUP BY phase, stage, unit_type, group_id, remedial_round, red_from, amber_from, amber_fixed,
             earliest_due_at, open_escalations`,
          [now, now, now, ...w.params],
        ),
        all(
          `SELECT level, COUNT(*) AS count, SUM(CASE WHEN acknowledged = 0 THEN 1 ELSE 0 END) AS unacked
           FROM unit_escalation WHERE ${w.sql} GROUP BY level`,
          w.params,
        ),
        all(
          `SELECT COUNT(*) AS waiting,
             SUM(CASE WHEN review_due_at IS NOT NULL AND review_due_at < ? THEN 1 ELSE 0 END) AS past
           FROM unit_review WHERE ${w.sql}`,
          [now, ...w.params],
        ),
        all(
          `SELECT COUNT(*) AS units, SUM(remedial_needed) AS remedial FROM unit_survey WHERE ${w.sql} AND latest = 1`,
          w.params,
        ),
      ]);
      const tally = () => new Map<string, number>();
      const dims = {
        phase: tally(),
        stage: tally(),
        unit_type: tally(),
        group_id: tally(),
        remedial_round: tally(),
      };
      const rag: Record<BoardRag, number> = { red: 0, amber: 0, green: 0 };
      let published = 0;
      let overdueUnits = 0;
      let escUnits = 0;
      for (const c of cells) {
        const count = n(c.count);
        published += count;
        for (const [k, m] of Object.entries(dims)) m.set(s(c[k]), (m.get(s(c[k])) ?? 0) + count);
        rag[s(c.rag) as BoardRag] += count;
        if (n(c.overdue) === 1) overdueUnits += count;
        if (n(c.esc) === 1) escUnits += count;
      }
      const out = (m: Map<string, number>) => sortBuckets([...m].map(([value, count]) => ({ value, count })));
      const byLevel = esc
        .map((r) => ({ value: s(r.level), count: n(r.count) }))
        .sort((a, b) => Number(a.value) - Number(b.value));
      return {
        campaignId: scope.campaignId,
        ...(scope.groupId !== undefined ? { groupId: scope.groupId } : {}),
        asOf: now,
        published,
        byPhase: out(dims.phase),
        byStage: out(dims.stage),
        byUnitType: out(dims.unit_type),
        byGroup: out(dims.group_id),
        byRemedialRound: out(dims.remedial_round)
          .filter((b) => b.value !== '0')
          .sort((a, b) => Number(a.value) - Number(b.value)),
        rag,
        overdueUnits,
        escalations: {
          open: esc.reduce((t, r) => t + n(r.count), 0),
          unacknowledged: esc.reduce((t, r) => t + n(r.unacked), 0),
          units: escUnits,
          byLevel,
        },
        reviews: { waiting: n(rev[0]?.waiting), pastLimit: n(rev[0]?.past) },
        surveys: { units: n(sur[0]?.units), remedialNeeded: n(sur[0]?.remedial) },
      } satisfies BoardSummary;
    },

    async boardUnits(scope, f: BoardUnitsFilter, page, now) {
      const w = where(scope);
      const parts = [w.sql];
      const params: Param[] = [...w.params];
      const and = (sql: string, ...values: Param[]) => {
        parts.push(sql);
        params.push(...values);
      };
      if (f.unitType !== undefined) and('unit_type = ?', f.unitType);
      if (f.stage !== undefined) and('stage = ?', f.stage);
      if (f.remedialRound !== undefined) and('remedial_round = ?', f.remedialRound);
      if (f.overdue) and('earliest_due_at IS NOT NULL AND earliest_due_at < ?', now);
      if (f.rag !== undefined) and(`${RAG_SQL} = ?`, now, now, f.rag);
      const cond = parts.join(' AND ');
      const [count, rows] = await Promise.all([
        all(`SELECT COUNT(*) AS total FROM unit_board WHERE ${cond}`, params),
        all(
          `SELECT unit_id, unit_name, unit_type, group_id, group_name, phase, stage, remedial_round, due_ats, stages,
             open_escalations, ${RAG_SQL} AS rag
           FROM unit_board WHERE ${cond} ORDER BY unit_id LIMIT ? OFFSET ?`,
          [now, now, ...params, page.limit, page.offset],
        ),
      ]);
      const columns = new Map<string, string>();
      const units = rows.map((r) => {
        const stages = JSON.parse(s(r.stages)) as StageRagInput[];
        for (const st of stages) if (!columns.has(st.stageId)) columns.set(st.stageId, st.title);
        return {
          unitId: s(r.unit_id),
          unitName: s(r.unit_name),
          unitType: s(r.unit_type),
          group: s(r.group_id),
          ...(r.group_name ? { groupName: s(r.group_name) } : {}),
          phase: s(r.phase),
          stage: s(r.stage),
          remedialRound: n(r.remedial_round),
          overdueCount: (JSON.parse(s(r.due_ats)) as string[]).filter((d) => d < now).length,
          rag: s(r.rag) as BoardRag,
          openEscalations: n(r.open_escalations),
          stages: stages.map((st) => ({
            stageId: st.stageId,
            title: st.title,
            rag: stageRagAt(st, now),
            complete: st.status === 'complete',
          })),
        };
      });
      return {
        total: n(count[0]?.total),
        ...page,
        columns: [...columns].map(([stageId, title]) => ({ stageId, title })),
        units,
      } satisfies BoardUnitPage;
    },

    async boardEscalations(scope, o) {
      const w = where(scope);
      const cond = `${w.sql}${o.unacknowledgedOnly ? ' AND acknowledged = 0' : ''}`;
      const [count, rows] = await Promise.all([
        all(
          `SELECT COUNT(*) AS total, SUM(CASE WHEN acknowledged = 0 THEN 1 ELSE 0 END) AS unacked
           FROM unit_escalation WHERE ${cond}`,
          w.params,
        ),
        all(
          `SELECT * FROM unit_escalation WHERE ${cond}
           ORDER BY level DESC, fired_at DESC, unit_id, n LIMIT ? OFFSET ?`,
          [...w.params, o.limit, o.offset],
        ),
      ]);
      return {
        total: n(count[0]?.total),
        unacknowledged: n(count[0]?.unacked),
        limit: o.limit,
        offset: o.offset,
        items: rows.map((r) => ({
          unitId: s(r.unit_id),
          unitName: s(r.unit_name),
          group: s(r.group_id),
          taskId: s(r.task_id),
          taskTitle: s(r.task_title),
          level: n(r.level),
          label: s(r.label),
          firedAt: s(r.fired_at),
          repeats: n(r.repeats),
          acknowledged: n(r.acknowledged) === 1,
        })),
      } satisfies BoardEscalationPage;
    },

    async boardSurveys(scope, page) {
      const w = where(scope);
      const [rounds, latest, rows] = await Promise.all([
        all(
          `SELECT round, COUNT(*) AS units, SUM(satisfied) AS satisfied, SUM(basically_satisfied) AS basically,
             SUM(dissatisfied) AS dissatisfied, SUM(respondents) AS respondents, SUM(remedial_needed) AS remedial
           FROM unit_survey WHERE ${w.sql} GROUP BY round ORDER BY round`,
          w.params,
        ),
        all(
          `SELECT COUNT(*) AS units, SUM(remedial_needed) AS remedial FROM unit_survey WHERE ${w.sql} AND latest = 1`,
          w.params,
        ),
        all(
          `SELECT * FROM unit_survey WHERE ${w.sql} AND latest = 1
           ORDER BY dissatisfied_share DESC, unit_id LIMIT ? OFFSET ?`,
          [...w.params, page.limit, page.offset],
        ),
      ]);
      return {
        ...page,
        surveyedUnits: n(latest[0]?.units),
        latestRemedialNeeded: n(latest[0]?.remedial),
        byRound: rounds.map((r) => ({
          round: n(r.round),
          units: n(r.units),
          satisfied: n(r.satisfied),
          basicallySatisfied: n(r.basically),
          dissatisfied: n(r.dissatisfied),
          respondents: n(r.respondents),
          remedialNeeded: n(r.remedial),
        })),
        units: rows.map((r) => ({
          unitId: s(r.unit_id),
          unitName: s(r.unit_name),
          group: s(r.group_id),
          round: n(r.round),
          satisfied: n(r.satisfied),
          basicallySatisfied: n(r.basically_satisfied),
          dissatisfied: n(r.dissatisfied),
          respondents: n(r.respondents),
          dissatisfiedShare: n(r.dissatisfied_share),
          remedialNeeded: n(r.remedial_needed) === 1,
          recordedAt: s(r.recorded_at),
        })),
      } satisfies BoardSurveySummary;
    },

    async boardReviews(scope, page, now) {
      const w = where(scope);
      const [count, rows] = await Promise.all([
        all(
          `SELECT COUNT(*) AS total,
             SUM(CASE WHEN review_due_at IS NOT NULL AND review_due_at < ? THEN 1 ELSE 0 END) AS past
           FROM unit_review WHERE ${w.sql}`,
          [now, ...w.params],
        ),
        all(
          `SELECT * FROM unit_review WHERE ${w.sql} ORDER BY submitted_at, unit_id, task_id LIMIT ? OFFSET ?`,
          [...w.params, page.limit, page.offset],
        ),
      ]);
      return {
        total: n(count[0]?.total),
        pastLimit: n(count[0]?.past),
        ...page,
        items: rows.map((r) => ({
          unitId: s(r.unit_id),
          unitName: s(r.unit_name),
          group: s(r.group_id),
          taskId: s(r.task_id),
          title: s(r.title),
          submissions: n(r.submissions),
          dueAt: s(r.due_at),
          submittedAt: s(r.submitted_at),
          ...(r.review
            ? { review: JSON.parse(s(r.review)) as BoardReviewPage['items'][number]['review'] }
            : {}),
        })),
      } satisfies BoardReviewPage;
    },
  };
}
