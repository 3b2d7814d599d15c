/**
 * A unit's archive kept on disk: `<dir>/<campaignId>/units/<unitId>.zip` with, beside it,
 * `<unitId>.json` holding the record it was built from and that record's key. The campaign
 * archive, the build at completion and the unit's download all read and write this one layout,
 * so a unit archived when it completed is the same file the campaign archive ships.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { UploadStore } from '../../client/api/uploads.js';
import { safeSegment } from './names.js';
import { unitArchiveStream } from './unit-archive.js';
import type { UnitRecord } from './unit-record.js';

export interface UploadNames {
  list(campaignId: string, unitId: string): Promise<{ ref: string; filename: string }[]>;
}

export const campaignFolder = (dir: string, campaignId: string): string =>
  path.join(dir, safeSegment(campaignId));

export function storedUnitFiles(
  dir: string,
  campaignId: string,
  unitId: string,
): { zip: string; meta: string } {
  const base = path.join(campaignFolder(dir, campaignId), 'units', safeSegment(unitId));
  return { zip: `${base}.zip`, meta: `${base}.json` };
}

export const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

export async function writeAtomically(file: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${file}.${randomUUID()}.part`;
  try {
    await write(tmp);
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** What makes two records the same archive: the record itself, canonically. */
function recordKey(r: UnitRecord, names: ReadonlyMap<string, string>): string {
  return createHash('sha256')
    .update(JSON.stringify([r, [...names].sort()]))
    .digest('hex');
}

export async function uploadNamesOf(
  uploadRecords: UploadNames | undefined,
  campaignId: string,
  unitId: string,
): Promise<Map<string, string>> {
  return new Map((await uploadRecords?.list(campaignId, unitId))?.map((x) => [x.ref, x.filename] as const));
}

/**
 * Builds and keeps the unit's archive for this record, unless the same record (and upload names)
 * is already kept: then nothing is written. The zip is written before its record, so a record on
 * disk always has its zip.
 */
export async function storeUnitArchive(
  dir: string,
  record: UnitRecord,
  uploads: UploadStore,
  names: ReadonlyMap<string, string>,
): Promise<'built' | 'reused'> {
  const f = storedUnitFiles(dir, record.campaignId, record.unitId);
  const key = recordKey(record, names);
  const old = (await exists(f.meta))
    ? (JSON.parse(await readFile(f.meta, 'utf8')) as { key?: string })
    : undefined;
  if (old?.key === key && (await exists(f.zip))) return 'reused';
  await mkdir(path.dirname(f.zip), { recursive: true });
  await writeAtomically(f.zip, async (tmp) =>
    pipeline(await unitArchiveStream(record, uploads, names), createWriteStream(tmp)),
  );
  await writeAtomically(f.meta, (tmp) => writeFile(tmp, JSON.stringify({ key, record })));
  return 'built';
}

/** The kept record of a unit, if any. */
export async function readStoredRecord(
  dir: string,
  campaignId: string,
  unitId: string,
): Promise<UnitRecord | undefined> {
  const f = storedUnitFiles(dir, campaignId, unitId);
  try {
    return (JSON.parse(await readFile(f.meta, 'utf8')) as { record: UnitRecord }).record;
  } catch {
    return undefined;
  }
}

/**
 * The kept archive of a unit whose workflow completed (its record carries the result), else
 * undefined: a running unit's archive is always built fresh, since its record still changes.
 */
export async function openFinalUnitArchive(
  dir: string,
  campaignId: string,
  unitId: string,
): Promise<{ record: UnitRecord; stream: Readable } | undefined> {
  const record = await readStoredRecord(dir, campaignId, unitId);
  const f = storedUnitFiles(dir, campaignId, unitId);
  if (!record?.result || !(await exists(f.zip))) return undefined;
  return { record, stream: createReadStream(f.zip) };
}
