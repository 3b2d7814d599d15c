/**
 * Readable names for the archive: `03_分析检查阶段/撰写分析检查报告/领导班子分析检查报告_v2.docx`.
 * Folders follow the stage order and the step title; a file is named after the plan's deliverable
 * (the 档案室 wants the document's title, not whatever the liaison's computer called it), with the
 * submission it came with as its version. Stored files are known only by hash, so the extension
 * comes from the file's own leading bytes.
 */
import type { Readable } from 'node:stream';
import type { Plan } from '../../domain/plan/schema.js';

/** Characters Windows, macOS and zip tools refuse or misread in a path segment. */
export function safeSegment(text: string): string {
  const s = text
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  return (s === '' ? '_' : s).slice(0, 80);
}

export const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The plan's deliverable titles of a step (by the task id of a plan task, which is the step id). */
export function deliverableTitles(plan: Plan | undefined, taskId: string): string[] {
  const step = plan?.stages.flatMap((s) => s.steps).find((s) => s.id === taskId);
  return step?.deliverables.map((d) => d.title) ?? [];
}

/**
 * The base name of file `k` (0-based) of `count` submitted together: the deliverable's title when
 * the step names one per file, else the single deliverable (or the step) numbered.
 */
export function fileBaseName(
  stepTitle: string,
  deliverables: readonly string[],
  k: number,
  count: number,
): string {
  if (deliverables.length === count && deliverables[k]) return deliverables[k];
  const base = deliverables.length === 1 ? deliverables[0]! : stepTitle;
  return count > 1 ? `${base}_${k + 1}` : base;
}

const HEAD_BYTES = 64 * 1024;

/** The extension of a stored deliverable, from its first bytes (the upload route admitted only these types). */
export function sniffExtension(head: Buffer): string {
  const starts = (...b: number[]) => b.every((x, i) => head[i] === x);
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'pdf';
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'png';
  if (starts(0xff, 0xd8, 0xff)) return 'jpg';
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    const text = head.toString('latin1');
    if (text.includes('word/')) return 'docx';
    if (text.includes('xl/')) return 'xlsx';
    if (text.includes('ppt/')) return 'pptx';
    return 'zip';
  }
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) {
    const text = head.toString('utf16le');
    if (text.includes('WordDocument')) return 'doc';
    if (text.includes('Workbook') || text.includes('Book')) return 'xls';
    if (text.includes('PowerPoint Document')) return 'ppt';
    return 'doc';
  }
  return 'bin';
}

/** Reads up to 64 KiB from the start of a stream, then closes it. */
export async function readHead(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      chunks.push(b);
      size += b.length;
      if (size >= HEAD_BYTES) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
}
