/** Small shared pieces: status chips, notices, SVG charts (no chart library: a few bars and lines). */
import type { ComponentChildren } from 'preact';
import { RAG_LABEL, type Rag } from './format.js';

export function RagChip({ rag, title }: { rag: Rag; title?: string }) {
  return (
    <span class={`rag rag-${rag}`} title={title ?? RAG_LABEL[rag]} data-rag={rag}>
      {RAG_LABEL[rag]}
    </span>
  );
}

export function Notice({ kind, children }: { kind: 'error' | 'ok' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/**
 * What an action came to: its message and, when there are at least `listFrom` of them, every
 * problem the server named (by default a single problem is the message itself, so it is not listed).
 */
export function ResultNotice({
  ok,
  text,
  problems = [],
  listFrom = 2,
}: {
  ok: boolean;
  text: string;
  problems?: readonly string[] | undefined;
  listFrom?: number;
}) {
  return (
    <Notice kind={ok ? 'ok' : 'error'}>
      {text}
      {problems.length >= listFrom && (
        <ul>
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </Notice>
  );
}

export function Card({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section class="card" id={id}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function Stat({ label, value, tone }: { label: string; value: number | string; tone?: Rag }) {
  return (
    <div class={`stat ${tone ? `stat-${tone}` : ''}`}>
      <div class="stat-value">{value}</div>
      <div class="stat-label">{label}</div>
    </div>
  );
}

export interface Series {
  label: string;
  color: string;
  values: number[];
}

/** Lines over time: how many units stand in each stage, one point per refresh. */
export function LineChart({
  times,
  series,
  height = 180,
}: {
  times: number[];
  series: Series[];
  height?: number;
}) {
  const width = 600;
  const pad = { l: 32, r: 8, t: 8, b: 22 };
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const n = times.length;
  const x = (i: number) => pad.l + (n <= 1 ? 0 : (i / (n - 1)) * (width - pad.l - pad.r));
  const y = (v: number) => pad.t + (1 - v / max) * (height - pad.t - pad.b);
  const fmt = (t: number) =>
    new Date(t).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label="进度曲线">
        <line x1={pad.l} y1={y(0)} x2={width - pad.r} y2={y(0)} class="axis" />
        <text x={pad.l - 4} y={y(max) + 4} class="tick" text-anchor="end">
          {max}
        </text>
        <text x={pad.l - 4} y={y(0)} class="tick" text-anchor="end">
          0
        </text>
        {n > 0 && (
          <>
            <text x={pad.l} y={height - 4} class="tick">
              {fmt(times[0]!)}
            </text>
            <text x={width - pad.r} y={height - 4} class="tick" text-anchor="end">
              {fmt(times[n - 1]!)}
            </text>
          </>
        )}
        {series.map((s) => (
          <polyline
            key={s.label}
            fill="none"
            stroke={s.color}
            stroke-width="2.5"
            points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}
          />
        ))}
      </svg>
      <figcaption class="legend">
        {series.map((s) => (
          <span key={s.label}>
            <i style={{ background: s.color }} />
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

export interface StackRow {
  label: string;
  parts: { label: string; value: number; color: string }[];
  note?: string;
}

/** One horizontal 100 % bar per row (survey results: 满意 / 基本满意 / 不满意). */
export function StackedBars({ rows }: { rows: StackRow[] }) {
  const legend = rows[0]?.parts ?? [];
  return (
    <figure class="chart">
      <div class="stacks">
        {rows.map((r) => {
          const total = r.parts.reduce((s, p) => s + p.value, 0) || 1;
          return (
            <div class="stack-row" key={r.label}>
              <div class="stack-label">{r.label}</div>
              <div class="stack-bar">
                {r.parts.map((p) => (
                  <span
                    key={p.label}
                    style={{ width: `${(100 * p.value) / total}%`, background: p.color }}
                    title={`${p.label} ${p.value}`}
                  >
                    {p.value > 0 ? p.value : ''}
                  </span>
                ))}
              </div>
              {r.note && <div class="stack-note">{r.note}</div>}
            </div>
          );
        })}
      </div>
      <figcaption class="legend">
        {legend.map((p) => (
          <span key={p.label}>
            <i style={{ background: p.color }} />
            {p.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

export function Bars({ rows }: { rows: { label: string; value: number }[] }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <div class="bars">
      {rows.map((r) => (
        <div class="bar-row" key={r.label}>
          <span class="bar-label">{r.label}</span>
          <span class="bar" style={{ width: `${(80 * r.value) / max}%` }} />
          <span class="bar-value">{r.value}</span>
        </div>
      ))}
    </div>
  );
}
