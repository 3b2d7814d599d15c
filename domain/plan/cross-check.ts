/**
 * Checks that span fields, which the schema alone cannot express: unique ids, windows that end
 * before they open, references to checklists and steps, escalation ladders in order. Runs on the
 * raw parsed data (defensively) so its findings are reported together with schema errors.
 */
import { EVENT_LABELS, ESCALATION_EVENT_KINDS } from '../routing/event-kinds.js';
import { UNIT_FLAGS, UNIT_TYPES } from '../unit-types.js';
import { approxSeconds, parseDateExpr, parseDuration, periodRange, type DateExpr } from './expr.js';
import { CHANNELS } from './schema.js';
import { checkStepOrder } from './step-check.js';

export interface RawIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Comparable bounds of an absolute date expression, or undefined for offsets. */
function absoluteDay(e: DateExpr, as: 'open' | 'due'): string | undefined {
  switch (e.kind) {
    case 'date':
    case 'datetime':
      return e.date;
    case 'period': {
      const r = periodRange(e.year, e.month, e.part);
      return as === 'open' ? r.first : r.last;
    }
    case 'offset':
      return undefined;
  }
}

function offsetSeconds(e: DateExpr): number | undefined {
  return e.kind === 'offset' ? approxSeconds(e.offset) : undefined;
}

function checkWindow(win: unknown, path: (string | number)[], out: RawIssue[]): void {
  if (!isObj(win)) return;
  const o = str(win.open);
  const d = str(win.due);
  if (o === undefined || d === undefined) return;
  const po = parseDateExpr(o);
  const pd = parseDateExpr(d);
  if (!po.ok || !pd.ok) return;
  const ao = absoluteDay(po.value, 'open');
  const ad = absoluteDay(pd.value, 'due');
  const so = offsetSeconds(po.value);
  const sd = offsetSeconds(pd.value);
  if (
    (ao !== undefined && ad !== undefined && ad < ao) ||
    (so !== undefined && sd !== undefined && sd < so)
  ) {
    out.push({ path: [...path, 'due'], message: `截止「${d}」早于开始「${o}」` });
  }
}

function checkAppliesTo(
  a: unknown,
  path: (string | number)[],
  planTypes: Set<string>,
  out: RawIssue[],
): void {
  if (!isObj(a)) return;
  arr(a.unitTypes).forEach((t, i) => {
    if (typeof t === 'string' && t in UNIT_TYPES && planTypes.size > 0 && !planTypes.has(t)) {
      out.push({ path: [...path, 'unitTypes', i], message: `单位类型「${t}」不在本计划的 unitTypes 之中` });
    }
  });
  const flags = new Set(arr(a.flags).filter((f): f is string => typeof f === 'string'));
  arr(a.notFlags).forEach((f, i) => {
    if (typeof f === 'string' && flags.has(f)) {
      out.push({
        path: [...path, 'notFlags', i],
        message: `标记「${f}」（${UNIT_FLAGS[f as keyof typeof UNIT_FLAGS] ?? f}）既要求有又要求无，没有单位能适用`,
      });
    }
  });
}

export function crossCheck(data: unknown): RawIssue[] {
  const out: RawIssue[] = [];
  if (!isObj(data)) return out;
  const planTypes = new Set(arr(data.unitTypes).filter((t): t is string => typeof t === 'string'));
  const checklists = isObj(data.checklists) ? new Set(Object.keys(data.checklists)) : new Set<string>();

  const stageIds = new Map<string, number>();
  const stepIds = new Map<string, string>();
  const stepKinds = new Map<string, string>();
  arr(data.stages).forEach((stage, si) => {
    if (!isObj(stage)) return;
    const sid = str(stage.id);
    if (sid !== undefined) {
      const prev = stageIds.get(sid);
      if (prev !== undefined)
        out.push({ path: ['stages', si, 'id'], message: `阶段标识「${sid}」重复（已用于 stages[${prev}]）` });
      else stageIds.set(sid, si);
    }
    checkWindow(stage.window, ['stages', si, 'window'], out);
    if (stage.opens === 'after_previous') {
      if (si === 0)
        out.push({
          path: ['stages', si, 'opens'],
          message: '第一个阶段没有上一阶段，不能设为 after_previous',
        });
      if (isObj(stage.window) && stage.window.open !== undefined) {
        out.push({
          path: ['stages', si, 'window', 'open'],
          message: '“上一阶段完成后开启”的阶段不能另设开始日期',
        });
      }
    }
    checkAppliesTo(stage.appliesTo, ['stages', si, 'appliesTo'], planTypes, out);
    arr(stage.steps).forEach((step, ti) => {
      if (!isObj(step)) return;
      const here = ['stages', si, 'steps', ti];
      const id = str(step.id);
      if (id !== undefined) {
        const prev = stepIds.get(id);
        if (prev !== undefined)
          out.push({ path: [...here, 'id'], message: `步骤标识「${id}」重复（已用于 ${prev}）` });
        else stepIds.set(id, `stages[${si}].steps[${ti}]`);
        stepKinds.set(id, str(step.kind) ?? 'task');
      }
      checkWindow(step.window, [...here, 'window'], out);
      checkAppliesTo(step.appliesTo, [...here, 'appliesTo'], planTypes, out);
      const review = step.review;
      if (isObj(review)) {
        const c = str(review.checklist);
        if (c !== undefined && !checklists.has(c))
          out.push({
            path: [...here, 'review', 'checklist'],
            message: `未定义的审查清单「${c}」（请在 checklists 中定义）`,
          });
      }
      for (const field of ['precondition', 'selfCheck'] as const) {
        const c = str(step[field]);
        if (c !== undefined && !checklists.has(c))
          out.push({ path: [...here, field], message: `未定义的清单「${c}」（请在 checklists 中定义）` });
      }
      const deliverableIds = new Set<string>();
      arr(step.deliverables).forEach((d, di) => {
        const did = isObj(d) ? str(d.id) : undefined;
        if (did === undefined) return;
        if (deliverableIds.has(did))
          out.push({
            path: [...here, 'deliverables', di, 'id'],
            message: `材料标识「${did}」在本步骤中重复`,
          });
        deliverableIds.add(did);
      });
    });
  });

  const refStep = (section: 'lookBack' | 'satisfaction', kind: string, label: string): void => {
    const s = data[section];
    if (!isObj(s)) return;
    const id = str(s.step);
    if (id === undefined) return;
    const k = stepKinds.get(id);
    if (k === undefined) out.push({ path: [section, 'step'], message: `找不到步骤「${id}」` });
    else if (k !== kind)
      out.push({ path: [section, 'step'], message: `步骤「${id}」应为${label}步骤（kind: ${kind}）` });
  };
  refStep('lookBack', 'look_back', '回头看');
  refStep('satisfaction', 'satisfaction_survey', '群众满意度测评');

  const esc = data.escalation;
  if (isObj(esc)) {
    let prevAfter = -1;
    arr(esc.levels).forEach((lv, i) => {
      if (!isObj(lv)) return;
      if (typeof lv.level === 'number' && lv.level !== i + 1) {
        out.push({
          path: ['escalation', 'levels', i, 'level'],
          message: `催办级别应按顺序编号，这里应为 ${i + 1}，实际为 ${lv.level}`,
        });
      }
      const a = str(lv.after);
      const p = a === undefined ? undefined : parseDuration(a);
      if (p?.ok) {
        const s = approxSeconds(p.value);
        if (s <= prevAfter)
          out.push({
            path: ['escalation', 'levels', i, 'after'],
            message: `第 ${i + 1} 级的时间「${a}」应晚于上一级`,
          });
        prevAfter = s;
      }
    });
  }

  const cal = data.calendar;
  const kind = isObj(cal) ? str(cal.kind) : undefined;
  if (isObj(cal) && isObj(cal.officeHours)) {
    const s = str(cal.officeHours.start);
    const e = str(cal.officeHours.end);
    if (s !== undefined && e !== undefined && /^\d\d:\d\d$/.test(s) && /^\d\d:\d\d$/.test(e) && e <= s) {
      out.push({
        path: ['calendar', 'officeHours', 'end'],
        message: `下班时间「${e}」应晚于上班时间「${s}」`,
      });
    }
  }
  if (isObj(cal)) {
    arr(cal.overrides).forEach((o, i) => {
      const d = isObj(o) ? str(o.date) : undefined;
      const p = d === undefined ? undefined : parseDateExpr(d);
      if (p?.ok && p.value.kind !== 'date')
        out.push({
          path: ['calendar', 'overrides', i, 'date'],
          message: `调整日期「${d}」应写作具体某一天，如 2027-10-01`,
        });
    });
  }
  if (kind === 'continuous') {
    // Working days mean nothing when every moment counts; catch the likely mistake.
    const rem = data.reminders;
    if (isObj(rem) && arr(rem.workingDaysBefore).length > 0) {
      out.push({
        path: ['reminders', 'workingDaysBefore'],
        message: '连续计时日历（continuous）没有工作日，请改用 before（如 30s）',
      });
    }
  }
  checkRouting(data, out);
  checkStepOrder(data, out);
  const tz = str(data.timeZone);
  if (tz !== undefined && !isValidZone(tz))
    out.push({ path: ['timeZone'], message: `未知的时区「${tz}」，如 Asia/Shanghai` });
  return out;
}

const channelLabel = (c: string): string =>
  c in CHANNELS ? `「${c}」（${CHANNELS[c as keyof typeof CHANNELS]}）` : `「${c}」`;

/** Routes may only use channels the plan sends on, and ladders name their recipients per level. */
function checkRouting(data: Obj, out: RawIssue[]): void {
  const planChannels = arr(data.channels).filter((c): c is string => typeof c === 'string' && c in CHANNELS);
  const used = new Set(planChannels);
  const inPlan = `本计划的 channels 只有：${planChannels.join('、') || '（无）'}`;
  const checkChannels = (list: unknown, path: (string | number)[]): void => {
    arr(list).forEach((c, i) => {
      if (typeof c === 'string' && c in CHANNELS && !used.has(c)) {
        out.push({
          path: [...path, i],
          message: `渠道${channelLabel(c)}不在本计划的 channels 之中（${inPlan}）`,
        });
      }
    });
  };
  const esc = data.escalation;
  if (isObj(esc))
    arr(esc.levels).forEach(
      (lv, i) => isObj(lv) && checkChannels(lv.channels, ['escalation', 'levels', i, 'channels']),
    );
  const routing = data.routing;
  if (!isObj(routing)) return;
  if (isObj(routing.events)) {
    for (const [kind, route] of Object.entries(routing.events)) {
      if (!isObj(route)) continue;
      checkChannels(route.channels, ['routing', 'events', kind, 'channels']);
      if ((ESCALATION_EVENT_KINDS as readonly string[]).includes(kind)) {
        for (const field of ['to', 'cc'] as const) {
          if (route[field] === undefined) continue;
          const label = EVENT_LABELS[kind as (typeof ESCALATION_EVENT_KINDS)[number]];
          out.push({
            path: ['routing', 'events', kind, field],
            message: `${label}的接收人按级别在 escalation.levels 中设置（to、cc），此处只能设置 channels 和 ignoreQuietHours`,
          });
        }
      }
    }
  }
  if (isObj(routing.quietHours)) {
    for (const c of Object.keys(routing.quietHours)) {
      if (c in CHANNELS && !used.has(c))
        out.push({
          path: ['routing', 'quietHours', c],
          message: `本计划不使用渠道${channelLabel(c)}，无需设置其免打扰规则（${inPlan}）`,
        });
    }
  }
}

function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
