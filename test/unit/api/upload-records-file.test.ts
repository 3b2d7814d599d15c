import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { FileUploadRecords } from '../../../client/api/upload-records.js';
import { uploadRecordsContract } from './support/upload-records-contract.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

uploadRecordsContract('JSON-lines file', {
  async open() {
    const dir = await mkdtemp(path.join(tmpdir(), 'upload-records-'));
    dirs.push(dir);
    const file = path.join(dir, 'nested', 'records.jsonl');
    return {
      records: new FileUploadRecords(file),
      reopen: () => Promise.resolve(new FileUploadRecords(file)),
    };
  },
});
