// The connection-quality indicator's numbers, computed from two successive
// RTCPeerConnection.getStats() reports. Pure, so it can be tested with
// hand-made reports.

/** The counters we read from one report. */
export interface StatsSample {
  /** Milliseconds, from the caller's clock. */
  at: number;
  packetsReceived: number;
  packetsLost: number;
  framesDecoded: number;
  /** The browser's own estimate, when it gives one. */
  framesPerSecond: number | null;
  rttMs: number | null;
}

export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

export interface Quality {
  level: QualityLevel;
  /** Share of packets lost since the previous sample, 0–100. */
  lossPercent: number | null;
  rttMs: number | null;
  /** Frames per second of the received composite. */
  fps: number | null;
}

// Thresholds for a conversation: past 2 % loss or 200 ms round trip people
// start to notice; past 8 % or 400 ms they talk over each other. Below 15 fps
// motion looks jerky.
const FAIR = { lossPercent: 2, rttMs: 200, fps: 15 };
const POOR = { lossPercent: 8, rttMs: 400, fps: 8 };

type StatsEntry = Record<string, unknown> & { type?: string };
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Reads the inbound RTP counters (audio and video) and the round trip of the pair in use. */
export function sampleStats(report: Pick<ReadonlyMap<string, StatsEntry>, 'forEach'>, at: number): StatsSample {
  const sample: StatsSample = { at, packetsReceived: 0, packetsLost: 0, framesDecoded: 0, framesPerSecond: null, rttMs: null };
  const entries: StatsEntry[] = [];
  report.forEach((s) => entries.push(s));
  const byId = new Map(entries.map((s) => [String(s.id), s]));
  let selectedPairId: string | null = null;
  for (const s of entries) {
    if (s.type === 'inbound-rtp') {
      sample.packetsReceived += num(s.packetsReceived) ?? 0;
      // packetsLost can go negative with duplicates; it is never a gain.
      sample.packetsLost += Math.max(0, num(s.packetsLost) ?? 0);
      if (s.kind === 'video') {
        sample.framesDecoded += num(s.framesDecoded) ?? 0;
        sample.framesPerSecond = num(s.framesPerSecond) ?? sample.framesPerSecond;
      }
    } else if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') {
      selectedPairId = s.selectedCandidatePairId;
    }
  }
  const selected = selectedPairId ? byId.get(selectedPairId) : entries.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
  const rtt = num(selected?.currentRoundTripTime);
  sample.rttMs = rtt === null ? null : Math.round(rtt * 1000);
  return sample;
}

/** Loss, round trip and frame rate over the interval between two samples, and a verdict. */
export function computeQuality(prev: StatsSample | null, cur: StatsSample): Quality {
  let lossPercent: number | null = null;
  let fps = cur.framesPerSecond;
  if (prev) {
    const received = cur.packetsReceived - prev.packetsReceived;
    const lost = cur.packetsLost - prev.packetsLost;
    if (received + lost > 0) lossPercent = (100 * Math.max(0, lost)) / (received + Math.max(0, lost));
    const seconds = (cur.at - prev.at) / 1000;
    if (fps === null && seconds > 0) fps = Math.max(0, cur.framesDecoded - prev.framesDecoded) / seconds;
    // Nothing arrived at all: the picture is frozen, whatever the other numbers say.
    if (received <= 0 && seconds > 0) return { level: 'poor', lossPercent: null, rttMs: cur.rttMs, fps: 0 };
  }
  return { level: levelOf(lossPercent, cur.rttMs, fps), lossPercent, rttMs: cur.rttMs, fps };
}

function levelOf(loss: number | null, rtt: number | null, fps: number | null): QualityLevel {
  if (loss === null && rtt === null && fps === null) return 'unknown';
  const over = (limit: typeof FAIR) =>
    (loss !== null && loss >= limit.lossPercent) || (rtt !== null && rtt >= limit.rttMs) || (fps !== null && fps < limit.fps);
  if (over(POOR)) return 'poor';
  if (over(FAIR)) return 'fair';
  return 'good';
}

/** One line for a tooltip and a screen reader. */
export function describeQuality(q: Quality): string {
  const parts = [
    q.lossPercent === null ? null : `packet loss ${q.lossPercent.toFixed(1)} %`,
    q.rttMs === null ? null : `round trip ${q.rttMs} ms`,
    q.fps === null ? null : `${Math.round(q.fps)} frames per second`,
  ].filter((p): p is string => p !== null);
  const verdict = q.level === 'unknown' ? 'Connection quality: measuring' : `Connection quality: ${q.level}`;
  return parts.length === 0 ? verdict : `${verdict} (${parts.join(', ')})`;
}
