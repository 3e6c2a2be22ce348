import { useEffect, useState } from 'react';
import { computeQuality, sampleStats, type Quality, type StatsSample } from '../lib/connectionQuality';

const POLL_INTERVAL_MS = 2000;
const UNKNOWN: Quality = { level: 'unknown', lossPercent: null, rttMs: null, fps: null };

/** Polls the peer connection's statistics while `active`, and keeps the latest verdict. */
export function useConnectionQuality(getStats: () => Promise<RTCStatsReport | null>, active: boolean): Quality {
  const [quality, setQuality] = useState<Quality>(UNKNOWN);

  useEffect(() => {
    if (!active) {
      setQuality(UNKNOWN);
      return;
    }
    let prev: StatsSample | null = null;
    let cancelled = false;
    const poll = async () => {
      const report = await getStats().catch(() => null);
      if (cancelled) return;
      if (!report) {
        prev = null;
        return;
      }
      const cur = sampleStats(report, performance.now());
      // A new peer connection (after a reconnect) starts its counters at zero.
      if (prev && cur.packetsReceived < prev.packetsReceived) prev = null;
      setQuality(computeQuality(prev, cur));
      prev = cur;
    };
    const timer = setInterval(poll, POLL_INTERVAL_MS);
    void poll();
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [getStats, active]);

  return quality;
}
