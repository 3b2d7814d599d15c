import { ApplicationFailure } from '@temporalio/common';
import type { StatusStore, UnitStatusRecord } from './status-store.js';

/**
 * Run as a local activity: its input (the unit's whole status) is not kept in the workflow's
 * history, only a small marker that it ran. Idempotent: a retried or late publish of an older
 * (run, seq) is ignored by the store.
 */
export function createStatusActivities(store: StatusStore | undefined) {
  return {
    async publishUnitStatus(record: UnitStatusRecord): Promise<void> {
      if (!store)
        throw ApplicationFailure.nonRetryable(
          '状态库未配置：worker 启动时没有提供 status 依赖',
          'StatusStoreNotConfigured',
        );
      await store.publish(record);
    },
  };
}
