import type { DeliveryLog } from '../../../../activities/notify/log/delivery-log.js';

/**
 * A delivery log whose first commit of the given outcome dies, exactly where a killed worker would
 * stop: after the provider answered, before the log recorded it.
 */
export function dyingOnce(inner: DeliveryLog, at: 'markSent' | 'markRetrying'): DeliveryLog {
  let dead = false;
  return {
    ...inner,
    [at]: (o: never) => {
      if (!dead) {
        dead = true;
        return Promise.reject(new Error('simulated crash: worker died before recording the outcome'));
      }
      return inner[at](o);
    },
  };
}
