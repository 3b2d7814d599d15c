/** Reads a plan file from disk (CLI and activities only; workflows get a validated Plan). */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { loadPlanText, type PlanLoadResult } from './load.js';

export async function loadPlanFile(path: string, displayName = basename(path)): Promise<PlanLoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const why =
      (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? '文件不存在'
        : `无法读取文件（${(e as Error).message}）`;
    return { ok: false, issues: [{ file: displayName, line: 0, column: 0, path: '(文件)', message: why }] };
  }
  return loadPlanText(text, displayName);
}
