import { useEffect, useRef } from 'react';

/** Calls `poll` every `intervalMs` while `enabled`; a slow call is not overlapped by the next. */
export function usePolling(poll: () => Promise<unknown>, intervalMs: number, enabled: boolean) {
  const pollRef = useRef(poll);
  useEffect(() => {
    pollRef.current = poll;
  }, [poll]);

  useEffect(() => {
    if (!enabled) return;
    let over = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const tick = async () => {
      await pollRef.current().catch(() => {});
      if (!over) timer = setTimeout(tick, intervalMs);
    };
    timer = setTimeout(tick, intervalMs);
    return () => {
      over = true;
      if (timer) clearTimeout(timer);
    };
  }, [enabled, intervalMs]);
}
