/**
 * Who uploaded which file for which unit, under what name and when: the metadata beside the
 * content-addressed bytes (uploads.ts keeps only content). Recorded on every upload; the unit's
 * files are listed from it. Here the embedded default, a JSON-lines file; PostgreSQL in
 * upload-records-postgres.ts. The same file uploaded again under the same name is one record.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface UploadRecord {
  campaignId: string;
  unitId: string;
  ref: string;
  filename: string;
  size: number;
  /** Person id from the uploader's token. */
  uploadedBy: string;
  uploadedAt: string;
}

export interface UploadRecords {
  /** True when this is a new record (not the same file and name again). */
  record(r: UploadRecord): Promise<boolean>;
  /** The unit's uploads, oldest first. */
  list(campaignId: string, unitId: string): Promise<UploadRecord[]>;
  close(): Promise<void>;
}

const keyOf = (r: Pick<UploadRecord, 'campaignId' | 'unitId' | 'ref' | 'filename'>) =>
  JSON.stringify([r.campaignId, r.unitId, r.ref, r.filename]);

export class FileUploadRecords implements UploadRecords {
  private known: Promise<Map<string, UploadRecord>> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  private load(): Promise<Map<string, UploadRecord>> {
    this.known ??= readFile(this.file, 'utf8').then(
      (text) => {
        const m = new Map<string, UploadRecord>();
        for (const line of text.split('\n')) {
          if (!line.trim()) continue;
          try {
            const r = JSON.parse(line) as UploadRecord;
            if (!m.has(keyOf(r))) m.set(keyOf(r), r);
          } catch {
            // a line cut short by a crash mid-append
          }
        }
        return m;
      },
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return new Map<string, UploadRecord>();
        throw e;
      },
    );
    return this.known;
  }

  record(r: UploadRecord): Promise<boolean> {
    const run = this.queue.then(async () => {
      const m = await this.load();
      if (m.has(keyOf(r))) return false;
      await mkdir(path.dirname(this.file), { recursive: true });
      await appendFile(this.file, `${JSON.stringify(r)}\n`, { mode: 0o600 });
      m.set(keyOf(r), r);
      return true;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async list(campaignId: string, unitId: string): Promise<UploadRecord[]> {
    await this.queue;
    return [...(await this.load()).values()].filter(
      (r) => r.campaignId === campaignId && r.unitId === unitId,
    );
  }

  async close(): Promise<void> {
    await this.queue;
  }
}
