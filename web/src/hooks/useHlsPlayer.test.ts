import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_PLAYER_RETRIES, PLAYER_RETRY_MS, useHlsPlayer, type HlsClass, type HlsPlayerConfig, type LinkResult } from './useHlsPlayer';

const ORIGIN = 'https://meet.example.org';

/** Stands in for hls.js and remembers what the hook asked of it. */
function fakeHls(supported = true) {
  const players: FakePlayer[] = [];
  class FakePlayer {
    sources: string[] = [];
    media: HTMLMediaElement | null = null;
    destroyed = false;
    listeners = new Map<string, (event: string, data: { fatal: boolean; details?: string }) => void>();
    constructor(readonly config: HlsPlayerConfig) {
      players.push(this);
    }
    loadSource(url: string) {
      this.sources.push(url);
    }
    attachMedia(media: HTMLMediaElement) {
      this.media = media;
    }
    on(event: string, listener: (event: string, data: { fatal: boolean; details?: string }) => void) {
      this.listeners.set(event, listener);
    }
    destroy() {
      this.destroyed = true;
    }
    fail(details: string) {
      this.listeners.get('hlsError')?.('hlsError', { fatal: true, details });
    }
    static isSupported = () => supported;
    static Events = { ERROR: 'hlsError', MANIFEST_PARSED: 'hlsManifestParsed' };
  }
  const loadHls = vi.fn(async () => FakePlayer as unknown as HlsClass);
  return { players, loadHls };
}

/** Links that expire a minute after they are handed out, numbered so a fresh one is told apart. */
function links() {
  let n = 0;
  return vi.fn(async (): Promise<LinkResult> => {
    n += 1;
    return { ok: true, value: { url: `/api/rooms/r1/hls/playlist.m3u8?sig=${n}`, expiresAt: new Date(Date.now() + 60_000).toISOString() } };
  });
}

function setup(getLink: (() => Promise<LinkResult>) | null, hls = fakeHls(), canPlay = '') {
  const video = document.createElement('video');
  video.canPlayType = () => canPlay as CanPlayTypeResult;
  video.play = vi.fn(async () => {});
  const ref = { current: video };
  const hook = renderHook(({ get }) => useHlsPlayer(ref, get, { loadHls: hls.loadHls, origin: ORIGIN }), {
    initialProps: { get: getLink },
  });
  return { hook, video, hls };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('useHlsPlayer', () => {
  it('plays through hls.js where the browser has no native HLS, and swaps in a fresh link before expiry', async () => {
    const getLink = links();
    const { hook, video, hls } = setup(getLink);
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(hls.loadHls).toHaveBeenCalledTimes(1);
    const player = hls.players[0];
    expect(player.sources).toEqual([`${ORIGIN}/api/rooms/r1/hls/playlist.m3u8?sig=1`]);
    expect(player.media).toBe(video);
    expect(hook.result.current.engine).toBe('hls.js');

    // 30 s before the minute is up, the hook asks for a new link...
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(getLink).toHaveBeenCalledTimes(2);
    // ...and the next playlist request goes to it; segments keep their own URLs.
    const open = vi.fn();
    player.config.xhrSetup({ open } as unknown as XMLHttpRequest, `${ORIGIN}/api/rooms/r1/hls/playlist.m3u8?sig=1`);
    expect(open).toHaveBeenCalledWith('GET', `${ORIGIN}/api/rooms/r1/hls/playlist.m3u8?sig=2`, true);
    open.mockClear();
    player.config.xhrSetup({ open } as unknown as XMLHttpRequest, `${ORIGIN}/api/rooms/r1/hls/seg-7.ts?sig=1`);
    expect(open).not.toHaveBeenCalled();

    hook.rerender({ get: null });
    expect(player.destroyed).toBe(true);
    await act(() => vi.advanceTimersByTimeAsync(120_000));
    expect(getLink).toHaveBeenCalledTimes(2);
  });

  it('points a native player (Safari) at the link, and at each fresh one', async () => {
    const getLink = links();
    const { hook, video, hls } = setup(getLink, fakeHls(), 'maybe');
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(hls.loadHls).not.toHaveBeenCalled();
    expect(video.src).toBe(`${ORIGIN}/api/rooms/r1/hls/playlist.m3u8?sig=1`);
    expect(hook.result.current.engine).toBe('native');
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(video.src).toBe(`${ORIGIN}/api/rooms/r1/hls/playlist.m3u8?sig=2`);
  });

  it('retries a fatal error with a fresh link, then gives up saying so', async () => {
    const getLink = links();
    const { hook, hls } = setup(getLink);
    await act(() => vi.advanceTimersByTimeAsync(0));
    const player = hls.players[0];
    act(() => player.fail('manifestLoadError'));
    await act(() => vi.advanceTimersByTimeAsync(PLAYER_RETRY_MS));
    expect(player.sources).toHaveLength(2);
    expect(player.sources[1]).toMatch(/sig=2$/);
    for (let i = 1; i < MAX_PLAYER_RETRIES; i++) {
      act(() => player.fail('manifestLoadError'));
      await act(() => vi.advanceTimersByTimeAsync(PLAYER_RETRY_MS));
    }
    expect(hook.result.current.error).toBeNull();
    act(() => player.fail('manifestLoadError'));
    expect(hook.result.current.error).toMatch(/stopped playing \(manifestLoadError\)/);

    act(() => hook.result.current.retry());
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(player.destroyed).toBe(true);
    expect(hls.players).toHaveLength(2);
    expect(hook.result.current.error).toBeNull();
  });

  it('shows why there is no link, and says when the browser cannot play HLS at all', async () => {
    const refused = vi.fn(async (): Promise<LinkResult> => ({ ok: false, error: 'HLS is not running in this room.' }));
    const first = setup(refused);
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(first.hook.result.current.error).toBe('HLS is not running in this room.');
    expect(first.hls.loadHls).not.toHaveBeenCalled();
    first.hook.unmount();

    const second = setup(links(), fakeHls(false));
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(second.hook.result.current.error).toBe('This browser cannot play HLS streams.');
  });
});
