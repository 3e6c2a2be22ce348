import { describe, expect, it } from 'vitest';
import {
  absoluteUrl,
  isLive,
  linkRefreshDelay,
  qualityLabel,
  rtmpKeyProblem,
  rtmpServerProblem,
  rtmpUrl,
  whipUrl,
} from './broadcast';

const LADDER = [
  { name: 'high' as const, width: 1280, height: 720 },
  { name: 'medium' as const, width: 640, height: 360 },
  { name: 'low' as const, width: 320, height: 180 },
];

describe('qualityLabel', () => {
  it('says Auto and what the server picked, or the pinned size', () => {
    expect(qualityLabel('auto', null, LADDER)).toBe('Auto');
    expect(qualityLabel('auto', { name: 'medium', height: 360 }, LADDER)).toBe('Auto · 360p');
    expect(qualityLabel('high', { name: 'high', height: 720 }, LADDER)).toBe('720p');
    // Pinned, but the server has not moved us yet: the choice.
    expect(qualityLabel('low', { name: 'high', height: 720 }, LADDER)).toBe('180p');
  });
});

describe('RTMP address', () => {
  it('puts the stream key at the end of the server address', () => {
    expect(rtmpUrl(' rtmp://a.rtmp.youtube.com/live2/ ', ' abcd-1234 ')).toBe('rtmp://a.rtmp.youtube.com/live2/abcd-1234');
    expect(rtmpUrl('rtmp://live.twitch.tv/app', 'live_123')).toBe('rtmp://live.twitch.tv/app/live_123');
    expect(rtmpUrl('rtmp://live.twitch.tv/app//', '/live_123')).toBe('rtmp://live.twitch.tv/app/live_123');
    expect(rtmpUrl('rtmps://live.example.com:443/app', '')).toBe('rtmps://live.example.com:443/app');
  });

  it('explains what is wrong with an address or a key', () => {
    expect(rtmpServerProblem('')).toMatch(/Enter the server address/);
    expect(rtmpServerProblem('https://example.com/live')).toMatch(/rtmp:\/\/ or rtmps:\/\//);
    expect(rtmpServerProblem('rtmp:///app')).toMatch(/server name/);
    expect(rtmpServerProblem('rtmp://live example.com/app')).toMatch(/spaces/);
    expect(rtmpServerProblem('RTMPS://live.example.com/app')).toBeNull();
    expect(rtmpKeyProblem('ab cd')).toMatch(/no spaces/);
    expect(rtmpKeyProblem('')).toBeNull();
  });
});

describe('links', () => {
  it('makes the WHIP URL and absolute playlist links from the origin', () => {
    expect(whipUrl('https://meet.example.org', 'r 1')).toBe('https://meet.example.org/api/rooms/r%201/whip');
    expect(absoluteUrl('/api/rooms/r1/hls/playlist.m3u8?sig=x', 'https://meet.example.org')).toBe(
      'https://meet.example.org/api/rooms/r1/hls/playlist.m3u8?sig=x',
    );
  });

  it('refreshes a signed link well before it expires, but not in a tight loop', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(linkRefreshDelay('2026-01-01T12:05:00Z', now)).toBe(225_000);
    expect(linkRefreshDelay('2026-01-01T12:01:00Z', now)).toBe(30_000);
    expect(linkRefreshDelay('2026-01-01T12:00:03Z', now)).toBe(5_000);
    expect(linkRefreshDelay('2026-01-01T11:00:00Z', now)).toBe(5_000);
    expect(linkRefreshDelay('2026-01-02T12:00:00Z', now)).toBe(600_000);
    expect(linkRefreshDelay('whenever', now)).toBe(60_000);
  });
});

describe('isLive', () => {
  it('is on for HLS or any RTMP state but off', () => {
    expect(isLive({ hls: false, rtmp: 'off' })).toBe(false);
    expect(isLive({ hls: true, rtmp: 'off' })).toBe(true);
    expect(isLive({ hls: false, rtmp: 'retrying' })).toBe(true);
  });
});
