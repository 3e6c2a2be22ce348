import { describe, expect, it } from 'vitest';
import { computeQuality, describeQuality, sampleStats } from './connectionQuality';

/** A getStats() report as Chromium shapes it: inbound audio and video, the transport and its pair. */
function report({ video = 1000, audio = 500, lost = 0, frames = 250, fps, rtt = 0.04 }: {
  video?: number;
  audio?: number;
  lost?: number;
  frames?: number;
  fps?: number;
  rtt?: number;
}) {
  const entries = [
    { id: 'IV', type: 'inbound-rtp', kind: 'video', packetsReceived: video, packetsLost: lost, framesDecoded: frames, framesPerSecond: fps },
    { id: 'IA', type: 'inbound-rtp', kind: 'audio', packetsReceived: audio, packetsLost: 0 },
    { id: 'T', type: 'transport', selectedCandidatePairId: 'CP1' },
    { id: 'CP0', type: 'candidate-pair', state: 'failed', currentRoundTripTime: 2 },
    { id: 'CP1', type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: rtt },
  ];
  return new Map(entries.map((e) => [e.id, e]));
}

describe('sampleStats', () => {
  it('adds up inbound packets, reads the video frames and the selected pair', () => {
    expect(sampleStats(report({ lost: 7, fps: 24 }), 5)).toEqual({
      at: 5,
      packetsReceived: 1500,
      packetsLost: 7,
      framesDecoded: 250,
      framesPerSecond: 24,
      rttMs: 40,
    });
  });
});

describe('computeQuality', () => {
  it('is good with no loss, a short round trip and a steady frame rate', () => {
    const prev = sampleStats(report({}), 0);
    const cur = sampleStats(report({ video: 1200, audio: 600, frames: 300 }), 2000);
    const q = computeQuality(prev, cur);
    expect(q).toEqual({ level: 'good', lossPercent: 0, rttMs: 40, fps: 25 });
    expect(describeQuality(q)).toBe('Connection quality: good (packet loss 0.0 %, round trip 40 ms, 25 frames per second)');
  });

  it('counts loss over the interval only', () => {
    const prev = sampleStats(report({ lost: 100 }), 0);
    // 290 packets arrived and 10 more were lost: 3.3 %.
    const cur = sampleStats(report({ video: 1190, audio: 600, lost: 110, frames: 300 }), 2000);
    const q = computeQuality(prev, cur);
    expect(q.lossPercent).toBeCloseTo(3.33, 2);
    expect(q.level).toBe('fair');
  });

  it('is poor with a long round trip or a crawling frame rate', () => {
    const prev = sampleStats(report({}), 0);
    expect(computeQuality(prev, sampleStats(report({ video: 1100, audio: 550, frames: 300, rtt: 0.45 }), 2000)).level).toBe('poor');
    expect(computeQuality(prev, sampleStats(report({ video: 1100, audio: 550, fps: 5 }), 2000)).level).toBe('poor');
  });

  it('is poor when nothing arrives at all', () => {
    const prev = sampleStats(report({}), 0);
    expect(computeQuality(prev, sampleStats(report({}), 2000))).toMatchObject({ level: 'poor', fps: 0 });
  });

  it('uses the browser frame rate when it gives one and the first sample has no interval', () => {
    const q = computeQuality(null, sampleStats(report({ fps: 30, rtt: 0.02 }), 0));
    expect(q).toEqual({ level: 'good', lossPercent: null, rttMs: 20, fps: 30 });
  });

  it('says it is still measuring when there is nothing to go on', () => {
    const q = computeQuality(null, sampleStats(new Map(), 0));
    expect(q.level).toBe('unknown');
    expect(describeQuality(q)).toBe('Connection quality: measuring');
  });
});
