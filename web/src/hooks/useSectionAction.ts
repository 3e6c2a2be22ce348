import { useCallback, useState } from 'react';
import type { ApiAction } from '../lib/errorText';
import { useApiCall } from './useApiCall';

/** What a section's call gave back, or null when it failed (the error is then shown). */
export type Outcome<T> = { value: T } | null;

/**
 * The calls of one room section (HLS, RTMP push, stream key): a busy flag while an action
 * runs, and a plain-word error when a call fails, cleared by the next action.
 */
export function useSectionAction() {
  const run = useApiCall();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  /** Reads the section's state: no busy flag, but a failure is shown. */
  const read = useCallback(
    async <T,>(action: ApiAction, call: (token: string) => Promise<T>): Promise<Outcome<T>> => {
      const res = await run(action, call);
      if (res.ok) return { value: res.value };
      setError(res.error);
      return null;
    },
    [run],
  );

  /** Runs an action the user asked for: busy while it runs, its error shown when it fails. */
  const act = useCallback(
    async <T,>(action: ApiAction, call: (token: string) => Promise<T>): Promise<Outcome<T>> => {
      setBusy(true);
      setError(null);
      try {
        return await read(action, call);
      } finally {
        setBusy(false);
      }
    },
    [read],
  );

  /** A helper that needs no busy flag, such as copying a link: only its error is shown. */
  const quietly = useCallback(
    async <T,>(action: ApiAction, call: (token: string) => Promise<T>): Promise<Outcome<T>> => {
      setError(null);
      return read(action, call);
    },
    [read],
  );

  return { busy, error, clearError: useCallback(() => setError(null), []), read, act, quietly };
}
