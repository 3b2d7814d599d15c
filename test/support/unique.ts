import { randomUUID } from 'node:crypto';

/** Task queues and ids that cannot collide between test files running in parallel. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
