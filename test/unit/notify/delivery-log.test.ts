import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteDeliveryLog } from '../../../activities/notify/log/sqlite-delivery-log.js';
import { deliveryLogContract } from './support/delivery-log-contract.js';

// A file, not :memory:, so a second handle (a second worker) shares the data.
const dir = mkdtempSync(join(tmpdir(), 'notify-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

deliveryLogContract('SQLite', {
  open() {
    const file = join(dir, `log-${++n}.sqlite`);
    return Promise.resolve({ log: openSqliteDeliveryLog(file), openAnother: () => Promise.resolve(openSqliteDeliveryLog(file)) });
  },
});
