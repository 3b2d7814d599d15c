/**
 * Reads the step lists straight out of the seed documents in seeds/, so the fidelity
 * tests compare each shipped plan with the seed text itself rather than with a list someone typed.
 *
 * Layout facts this relies on (see docs/seed-transcription.md):
 *  - 002_… holds the 工作流程图 tables as tab-led cells, five per row (步骤, 时间, 活动内容, 工作要求,
 *    备注); a cell's text may continue on following lines that do not start with a tab; a row that
 *    continues a step (rowspan in the original) has empty 步骤/时间 cells; a page break repeats the
 *    header row and the stage/window cells.
 *  - 000_… is running prose whose stage headings were lost in the scrape: steps are `N、title。`
 *    paragraphs, and the stage changes where the numbering restarts at 1.
 *  - 001_… (traditional characters) has `(一)…階段。時間從X至Y,安排N天左右` stage lines and
 *    `N.title。` steps.
 *  - 003_… has `（一）第一阶段：…（X——Y）。` stage lines and un-numbered paragraphs whose first
 *    sentence is the step title.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository's verbatim copy of the seeds (see seeds/README.md). */
export const SEEDS_DIR = resolve(here, '../../../seeds');
/** The project's shared folder, beside the checkout where it exists. */
export const SHARED_SEEDS_DIR = resolve(here, '../../../../shared/seeds');

export const SEED_FILES = {
  gov_office_000: '000_7648d08cd79726ea.txt',
  town_001: '001_0a40f012a81c3046.txt',
  flowcharts_002: '002_d403437130e55932.txt',
  econ_committee_003: '003_d149a7ef1c20973f.txt',
} as const;

export function readSeed(file: string): string {
  return readFileSync(resolve(SEEDS_DIR, file), 'utf8');
}

/** Removes every kind of white space the scrape left inside cells (including U+3000). */
export function compact(s: string): string {
  return s.replace(/[\s\u3000]/g, '');
}

/** `3.开展走访` and `3、开展走访` are the same step; 002 mixes both. */
export function normaliseLabel(s: string): string {
  return compact(s).replace(/^(\d{1,2})[.．、]/, '$1、');
}

export type TenDay = '初' | '上旬' | '中旬' | '下旬' | '底';

/** One end of a window as the seed writes it: a month and optionally a part of it. */
export interface SeedPoint {
  /** undefined when the seed leaves the year out (or writes `20xx`). */
  year: number | undefined;
  month: number;
  part: TenDay | undefined;
}

export interface SeedWindow {
  from: SeedPoint;
  to: SeedPoint;
  /** The window text exactly as the seed prints it (white space removed). */
  text: string;
}

const POINT = String.raw`(?:(\d{4}|20xx)年)?(\d{1,2})月?(初|上旬|中旬|下旬|底)?`;
const RANGE = new RegExp(`^${POINT}(?:至|到|——|--|—|-)?${POINT}$`);

/**
 * Parses the seed's window notation. Handles the seed's slips verbatim: `2009年12上旬至12月底`
 * (no 月), `2009年9月初11月中旬` (no 至), `2010年1月初到2月底` (到), `20xx年10月中旬--12月上旬`.
 * A year omitted in the second half carries over from the first.
 */
export function parseSeedWindow(raw: string): SeedWindow {
  const text = compact(raw);
  const m = RANGE.exec(text);
  if (!m) throw new Error(`seed window not understood: ${text}`);
  const year = (y: string | undefined): number | undefined =>
    y === undefined || y === '20xx' ? undefined : Number(y);
  const from: SeedPoint = { year: year(m[1]), month: Number(m[2]), part: m[3] as TenDay | undefined };
  const to: SeedPoint = {
    year: year(m[4]) ?? from.year,
    month: Number(m[5]),
    part: m[6] as TenDay | undefined,
  };
  return { from, to, text };
}

/** A single point such as `6月中旬` or `2009年8月` (both ends the same). */
export function parseSeedPoint(raw: string): SeedWindow {
  const text = compact(raw);
  const m = new RegExp(`^${POINT}$`).exec(text);
  if (!m) throw new Error(`seed date not understood: ${text}`);
  const p: SeedPoint = {
    year: m[1] === undefined || m[1] === '20xx' ? undefined : Number(m[1]),
    month: Number(m[2]),
    part: m[3] as TenDay | undefined,
  };
  return { from: p, to: p, text };
}

export interface SeedPart {
  /** e.g. `（2）制定实施方案` — the sub-item's own heading, up to its first full stop or comma. */
  label: string;
  line: number;
}

export interface SeedStep {
  /** Normalised `N、title`, e.g. `3、召开领导班子专题民主生活会`. */
  label: string;
  /** The stage cell or heading, e.g. `学习调研阶段`, `巩固提高`. */
  stage: string;
  /** undefined when the seed gives no window for this step. */
  window: SeedWindow | undefined;
  /** 1-based line of the step in the seed file. */
  line: number;
  /**
   * Rows of the same step that the table lists separately (e.g. the school table's
   * `1、做好准备工作` with rows （1）…（4）). Empty when the step is a single row.
   */
  parts: SeedPart[];
  /** Everything the seed says about the step (工作要求 and 备注 of all its rows), white space removed. */
  body: string;
  /** The step's 工作要求 split at its （n） markers: n → that item's text. */
  items: Map<number, string>;
}

/** Splits `（1）…（2）…` (full- or half-width brackets) into numbered items. */
export function numberedItems(text: string): Map<number, string> {
  const out = new Map<number, string>();
  const t = compact(text).replace(/\((\d{1,2})\)/g, '（$1）');
  for (const piece of t.split(/(?=（\d{1,2}）)/)) {
    const m = /^（(\d{1,2})）(.*)$/.exec(piece);
    if (m) out.set(Number(m[1]), m[2] ?? '');
  }
  return out;
}

interface Cell {
  text: string;
  line: number;
}

const HEADER_CELLS = new Set(['步骤', '时间', '活动内容', '工作要求', '备注']);
const STAGE_CELL = /^(学习调研|分析检查|整改落实|巩固提高)(阶段)?$/;
const STEP_CELL = /^(\d{1,2})[.．、](.+)$/;
const PART_HEAD = /^([（(]\d{1,2}[）)])([^。，,；;]+)/;

/**
 * Locates a 工作流程图 table of 002_… by its heading (the heading may be broken over two lines)
 * and returns its rows. The table ends at the next unindented line starting with 全区 (the next
 * document's title) or at the end of the file.
 */
export function flowChartCells(text: string, heading: string): { cells: Cell[]; headingLine: number } {
  const lines = text.split(/\r?\n/);
  let start = -1;
  for (let i = 0; i < lines.length && start < 0; i++) {
    const a = compact(lines[i] ?? '');
    if (a === '') continue;
    if (a === heading) start = i;
    else if (heading.startsWith(a)) {
      let j = i + 1;
      while (j < lines.length && compact(lines[j] ?? '') === '') j++;
      if (a + compact(lines[j] ?? '') === heading) start = j;
    }
  }
  if (start < 0) throw new Error(`heading not found in seed: ${heading}`);
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (/^全区/.test(lines[i] ?? '')) {
      end = i;
      break;
    }
  }
  const cells: Cell[] = [];
  for (let i = start + 1; i < end; i++) {
    const l = lines[i] ?? '';
    if (l.startsWith('\t')) cells.push({ text: l.slice(1), line: i + 1 });
    else if (cells.length > 0 && compact(l) !== '') {
      const last = cells[cells.length - 1]!;
      last.text += `\n${l}`;
    }
  }
  return { cells, headingLine: start + 1 };
}

/**
 * The numbered steps of one 002 flow chart, in table order, each with its stage and the window
 * printed beside it. A step broken over a page (same label repeated) is reported once.
 */
export function extractFlowChart(text: string, heading: string): SeedStep[] {
  const { cells } = flowChartCells(text, heading);
  const steps: SeedStep[] = [];
  let stage: string | undefined;
  let windowText: string | undefined;
  let current: SeedStep | undefined;
  // Rows of the current step; a step with more than one content row lists its parts.
  let currentRows: Cell[] = [];

  const addBody = (step: SeedStep, row: Cell[]): void => {
    const content = row[3] ? compact(row[3].text) : '';
    step.body += content + (row[4] ? compact(row[4].text) : '');
    for (const [n, t] of numberedItems(content)) step.items.set(n, t);
  };

  const closeStep = (): void => {
    if (current && currentRows.length > 1) {
      for (const row of currentRows) {
        const m = PART_HEAD.exec(compact(row.text));
        if (!m) throw new Error(`row of ${current.label} at line ${row.line} has no （n） heading`);
        current.parts.push({
          label: `${m[1]}${m[2]}`.replace(/[()]/g, (c) => (c === '(' ? '（' : '）')),
          line: row.line,
        });
      }
    }
  };

  for (let r = 0; r < cells.length; r += 5) {
    const row = cells.slice(r, r + 5);
    const [c0, c1, c2, c3] = row.map((c) => compact(c.text));
    if (c0 !== undefined && HEADER_CELLS.has(c0)) {
      if (!row.every((c) => HEADER_CELLS.has(compact(c.text)))) {
        throw new Error(`malformed header row at line ${row[0]!.line}`);
      }
      continue;
    }
    if (c0) {
      if (!STAGE_CELL.test(c0)) throw new Error(`expected a stage cell at line ${row[0]!.line}: ${c0}`);
      stage = c0;
    }
    if (c1) windowText = c1;
    if (stage === undefined || windowText === undefined) {
      throw new Error(`row at line ${row[0]!.line} has no stage or window above it`);
    }
    if (c2) {
      const m = STEP_CELL.exec(c2);
      if (!m) throw new Error(`expected a step cell at line ${row[2]!.line}: ${c2}`);
      const label = normaliseLabel(c2);
      if (current && current.label === label) {
        addBody(current, row);
        // The step continues on the next page; its window must not change.
        if (current.window?.text !== compact(windowText) && current.window) {
          const again = parseSeedWindow(windowText);
          if (
            JSON.stringify(again.from) !== JSON.stringify(current.window.from) ||
            JSON.stringify(again.to) !== JSON.stringify(current.window.to)
          ) {
            throw new Error(`step ${label} changes window across pages at line ${row[2]!.line}`);
          }
        }
        continue;
      }
      closeStep();
      current = {
        label,
        stage,
        window: parseSeedWindow(windowText),
        line: row[2]!.line,
        parts: [],
        body: '',
        items: new Map(),
      };
      currentRows = c3 ? [row[3]!] : [];
      steps.push(current);
      addBody(current, row);
    } else if (c3 || row[4]) {
      if (!current) throw new Error(`content before any step at line ${row[3]?.line ?? row[0]!.line}`);
      if (c3) currentRows.push(row[3]!);
      addBody(current, row);
    }
  }
  closeStep();
  return steps;
}

/** 000_…: prose steps `N、title。` (the scrape dropped the stage headings; numbering restarts mark them). */
export function extractGovOffice000(text: string): {
  prep: { label: string; line: number }[];
  groups: { steps: SeedStep[] }[];
  studyWindow: SeedWindow;
  summaryWindow: SeedWindow;
} {
  const lines = text.split(/\r?\n/);
  const prepLineIdx = lines.findIndex((l) => l.startsWith('（一）准备工作'));
  if (prepLineIdx < 0) throw new Error('000: （一）准备工作 not found');
  const prepLine = lines[prepLineIdx]!;
  const prepBody = prepLine.split('主要工作：')[1]?.split('第一阶段')[0] ?? '';
  const prep = [...prepBody.matchAll(/([一二三四五六七八九])是([^，；。]+)/g)].map((m) => ({
    label: `${m[1]}是${m[2]!.replace(/（以下简称[^）]*）/, '')}`,
    line: prepLineIdx + 1,
  }));
  const study = /第一阶段：学习调研。(.+?)。/.exec(prepLine);
  if (!study) throw new Error('000: 第一阶段 window not found');
  const summaryIdx = lines.findIndex((l) => l.startsWith('（三）总结工作'));
  const summary = /（三）总结工作。(.+?)前后/.exec(lines[summaryIdx] ?? '');
  if (!summary) throw new Error('000: （三）总结工作 window not found');

  const groups: { steps: SeedStep[] }[] = [];
  const end = lines.findIndex((l) => l.startsWith('三、组织领导'));
  for (let i = prepLineIdx + 1; i < end; i++) {
    const m = /^(\d)\s*、([^。]+)。/.exec(lines[i] ?? '');
    if (!m) continue;
    const n = Number(m[1]);
    const last = groups[groups.length - 1];
    const prevN = last ? Number(last.steps[last.steps.length - 1]!.label.split('、')[0]) : Infinity;
    if (!last || n <= prevN) groups.push({ steps: [] });
    groups[groups.length - 1]!.steps.push({
      label: `${n}、${m[2]}`,
      stage: '',
      window: undefined,
      line: i + 1,
      parts: [],
      body: compact(lines[i] ?? ''),
      items: new Map(),
    });
  }
  return {
    prep,
    groups,
    studyWindow: parseSeedWindow(study[1]!),
    summaryWindow: parseSeedPoint(summary[1]!),
  };
}

/** 001_…: `(一)學習調研階段。時間從3月上旬至4月中旬,安排45天左右。` then `1.深入學習。` … */
export function extractTown001(text: string): {
  year: number;
  stages: { stage: string; window: SeedWindow; days: number; steps: SeedStep[] }[];
} {
  const lines = text.split(/\r?\n/);
  const yearM = /從(\d{4})年(\d{1,2})月開始/.exec(text);
  if (!yearM) throw new Error('001: campaign start not found');
  const year = Number(yearM[1]);
  const stages: { stage: string; window: SeedWindow; days: number; steps: SeedStep[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    const s = /^\([一二三]\)(.+?階段)。時間從(.+?)至(.+?),安排(\d+)天左右/.exec(l);
    if (s) {
      const w = parseSeedWindow(`${year}年${s[2]}至${s[3]}`);
      stages.push({ stage: s[1]!, window: w, days: Number(s[4]), steps: [] });
      continue;
    }
    const st = /^(\d)\.([^。]+)。/.exec(l);
    const cur = stages[stages.length - 1];
    if (st && cur) {
      cur.steps.push({
        label: `${st[1]}.${st[2]}`,
        stage: cur.stage,
        window: cur.window,
        line: i + 1,
        parts: [],
        body: compact(l),
        items: new Map(),
      });
    }
    if (l.startsWith('四、')) break;
  }
  return { year, stages };
}

/** 003_…: `（一）第一阶段：学习调研(2009年3月中旬——4月下旬)。` then paragraphs `认真组织学习。…` */
export function extractEconCommittee003(text: string): {
  prep: SeedStep[];
  stages: { stage: string; window: SeedWindow; steps: (SeedStep & { paragraph: string })[] }[];
  surveyWindow: SeedWindow;
} {
  const lines = text.split(/\r?\n/);
  const prep: SeedStep[] = [];
  const stages: { stage: string; window: SeedWindow; steps: (SeedStep & { paragraph: string })[] }[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const l = (lines[i] ?? '').trim();
    if (/^[一二三四五六七八九十]、/.test(l)) {
      section = l;
      continue;
    }
    if (section.startsWith('二、')) {
      const m = /^（[一二三四五]）([^。]+)。/.exec(l);
      if (m)
        prep.push({
          label: m[1]!,
          stage: '准备工作',
          window: undefined,
          line: i + 1,
          parts: [],
          body: compact(l),
          items: new Map(),
        });
    } else if (section.startsWith('三、')) {
      const s = /^（[一二三]）第.阶段[:：](.+?)[(（](.+?)[)）]。?$/.exec(l);
      if (s) {
        stages.push({ stage: s[1]!, window: parseSeedWindow(s[2]!), steps: [] });
        continue;
      }
      const head = /^([^。，、；]{2,20})。/.exec(l);
      const cur = stages[stages.length - 1];
      if (head && cur && !head[1]!.startsWith('这一阶段')) {
        cur.steps.push({
          label: head[1]!,
          stage: cur.stage,
          window: cur.window,
          line: i + 1,
          parts: [],
          body: compact(l),
          items: new Map(),
          paragraph: l,
        });
      }
    }
  }
  const survey = /(\d{1,2}月[上中下]旬)，对学习实践活动进行满意度测评/.exec(text);
  if (!survey) throw new Error('003: survey date not found');
  const year = stages[0]?.window.from.year;
  return { prep, stages, surveyWindow: parseSeedPoint(`${year}年${survey[1]}`) };
}

/** All the table's cells, white space removed, for checking that a quoted phrase is the seed's. */
export function flowChartText(text: string, heading: string): string {
  return flowChartCells(text, heading)
    .cells.map((c) => compact(c.text))
    .join('');
}

/** The 002 tables and the plan that transcribes each. */
export const FLOWCHARTS = [
  { plan: 'town_office', heading: '全区镇机关开展深入学习实践科学发展观活动工作流程图' },
  { plan: 'village', heading: '全区农村党组织开展深入学习实践科学发展观活动工作流程图' },
  { plan: 'street_office', heading: '全区街道机关开展深入学习实践科学发展观活动工作流程图' },
  { plan: 'community', heading: '全区社区（街道直属单位）党组织开展深入学习实践科学发展观活动工作流程图' },
  { plan: 'school', heading: '全区中小学校深入学习实践科学发展观活动工作流程图' },
  { plan: 'non_public', heading: '全区新经济组织和新社会组织党组织开展深入学习实践科学发展观活动工作流程图' },
] as const;
