/**
 * The 简报's chart, drawn on the server: one stacked bar per stage (红 / 黄 / 绿 units), as SVG
 * rasterised to PNG by resvg. Text uses the machine's CJK fonts (Debian: fonts-wqy-microhei or
 * fonts-noto-cjk); without one the bars are still right but the labels cannot be read.
 */
import { Resvg } from '@resvg/resvg-js';
import { esc } from '../archive/html.js';
import type { RagCount } from './briefing.js';

const CHART_COLOURS = { red: '#d9363e', amber: '#f0b429', green: '#3f9c35' } as const;
const FONT = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif";

export interface Chart {
  png: Buffer;
  width: number;
  height: number;
}

function stageChartSvg(
  rows: readonly RagCount[],
  title: string,
): { svg: string; width: number; height: number } {
  const width = 640;
  const left = 150;
  const right = 40;
  const top = 56;
  const bar = 26;
  const gap = 14;
  const height = top + Math.max(1, rows.length) * (bar + gap) + 40;
  const max = Math.max(1, ...rows.map((r) => r.total));
  const scale = (width - left - right) / max;
  const parts: string[] = [
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="26" font-size="18" font-weight="bold" text-anchor="middle">${esc(title)}</text>`,
  ];
  const legend: [keyof typeof CHART_COLOURS, string][] = [
    ['red', '红'],
    ['amber', '黄'],
    ['green', '绿'],
  ];
  legend.forEach(([k, label], i) => {
    const x = width / 2 - 90 + i * 64;
    parts.push(
      `<rect x="${x}" y="36" width="14" height="12" fill="${CHART_COLOURS[k]}"/>`,
      `<text x="${x + 18}" y="47" font-size="12">${label}</text>`,
    );
  });
  rows.forEach((r, i) => {
    const y = top + i * (bar + gap);
    parts.push(
      `<text x="${left - 8}" y="${y + bar / 2 + 5}" font-size="14" text-anchor="end">${esc(r.name)}</text>`,
    );
    let x = left;
    for (const k of ['red', 'amber', 'green'] as const) {
      const w = r[k] * scale;
      if (w <= 0) continue;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${CHART_COLOURS[k]}"/>`,
      );
      if (w >= 18)
        parts.push(
          `<text x="${(x + w / 2).toFixed(1)}" y="${y + bar / 2 + 5}" font-size="13" fill="#ffffff" text-anchor="middle">${r[k]}</text>`,
        );
      x += w;
    }
    parts.push(`<text x="${(x + 6).toFixed(1)}" y="${y + bar / 2 + 5}" font-size="13">${r.total}</text>`);
  });
  parts.push(
    `<line x1="${left}" y1="${top - 6}" x2="${left}" y2="${height - 34}" stroke="#333" stroke-width="1"/>`,
  );
  parts.push(`<text x="${width - right}" y="${height - 12}" font-size="12" text-anchor="end">单位数</text>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">${parts.join('')}</svg>`;
  return { svg, width, height };
}

/** PNG at twice the SVG's size, so it prints sharply at the width it is placed in the document. */
export function stageChartPng(rows: readonly RagCount[], title: string): Chart {
  const { svg, width, height } = stageChartSvg(rows, title);
  const png = new Resvg(svg, {
    fitTo: { mode: 'width', value: width * 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'WenQuanYi Micro Hei' },
  })
    .render()
    .asPng();
  return { png: Buffer.from(png), width, height };
}
