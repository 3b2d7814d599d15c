/**
 * Live updates by polling: the API has no push channel, and a page that asks every few seconds
 * is what a reviewer watching a unit needs. Polling pauses while the tab is hidden.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure } from './api.js';

export interface Live<T> {
  data: T | undefined;
  error: ApiFailure | undefined;
  /** Fetch now (after an action), without waiting for the next tick. */
  refresh: () => void;
}

export function useLive<T>(load: () => Promise<T>, everyMs: number, deps: unknown[]): Live<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiFailure | undefined>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const run = useCallback(() => {
    const mine = ++generation.current;
    loadRef
      .current()
      .then((d) => {
        if (mine !== generation.current) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (mine !== generation.current) return;
        setError(e instanceof ApiFailure ? e : new ApiFailure(0, String(e)));
      });
  }, []);

  useEffect(() => {
    setData(undefined);
    run();
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') run();
    }, everyMs);
    return () => clearInterval(timer);
  }, deps);

  return { data, error, refresh: run };
}
