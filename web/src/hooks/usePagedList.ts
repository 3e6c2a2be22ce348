import { useCallback, useEffect, useState } from 'react';
import type { Page } from '../api/http';
import type { ApiAction } from '../lib/errorText';
import { useApiCall } from './useApiCall';

export interface PagedList<T> {
  items: T[];
  setItems: (update: (items: T[]) => T[]) => void;
  /** The cursor of the next page, or null on the last one. */
  next: string | null;
  loading: boolean;
  error: string | null;
  setError: (error: string | null) => void;
  /** null loads the first page again; a cursor appends the page it names. */
  load: (cursor: string | null) => Promise<void>;
}

/**
 * A paged API list that loads its first page at once and again whenever
 * `fetchPage` changes (memoise it), unless `enabled` is false; the lists of
 * rooms, users and recordings all page, fail and retry the same way.
 */
export function usePagedList<T>(
  action: ApiAction,
  fetchPage: (token: string, cursor: string | null) => Promise<Page<T>>,
  enabled = true,
): PagedList<T> {
  const run = useApiCall();
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (cursor: string | null) => {
      setLoading(true);
      setError(null);
      const res = await run(action, (t) => fetchPage(t, cursor));
      setLoading(false);
      if (!res.ok) {
        setError(res.error);
        return;
      }
      setItems((list) => (cursor ? [...list, ...res.value.items] : res.value.items));
      setNext(res.value.next ?? null);
    },
    [run, action, fetchPage],
  );

  useEffect(() => {
    if (enabled) void load(null);
  }, [enabled, load]);

  return { items, setItems, next, loading, error, setError, load };
}
