import { useState } from 'react';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HlsClass, HlsPlayerDeps } from '../hooks/useHlsPlayer';
import { fakeFetch, renderSignedIn } from '../test/renderSignedIn';
import HlsSection from './HlsSection';

/** A player that loads nothing: these tests are about the controls (useHlsPlayer.test.ts plays). */
const sources: string[] = [];
const playerDeps: HlsPlayerDeps = {
  origin: 'https://meet.example.org',
  loadHls: async () =>
    class {
      static isSupported = () => true;
      static Events = { ERROR: 'e', MANIFEST_PARSED: 'm' };
      loadSource(url: string) {
        sources.push(url);
      }
      attachMedia() {}
      on() {}
      destroy() {}
    } as unknown as HlsClass,
};

/** Plays the room's socket, which flips `on`. */
function SocketSays() {
  const [on, setOn] = useState(false);
  return (
    <>
      <button onClick={() => setOn(true)}>socket: hls on</button>
      <HlsSection roomId="r1" on={on} playerDeps={playerDeps} />
    </>
  );
}

const link = (n: number) => ({ url: `/api/rooms/r1/hls/playlist.m3u8?sig=${n}`, expiresAt: '2099-01-01T00:05:00Z' });

afterEach(() => {
  vi.unstubAllGlobals();
  sources.length = 0;
});

describe('HlsSection', () => {
  it('starts HLS and previews it through the signed link', async () => {
    let n = 0;
    const calls = fakeFetch({
      'GET /api/rooms/r1/hls': () => ({ active: false }),
      'POST /api/rooms/r1/hls': () => ({ active: true, startedAt: '2026-11-25T21:00:00Z', playlist: link(0) }),
      'POST /api/rooms/r1/hls/link': () => link(++n),
    });
    renderSignedIn(<HlsSection roomId="r1" on={false} playerDeps={playerDeps} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Start HLS' }));
    expect(await screen.findByRole('button', { name: 'Stop HLS' })).toBeTruthy();
    expect(screen.getByTestId('hls-state').textContent).toBe('On');
    expect(calls[1]).toMatchObject({ method: 'POST', body: undefined });
    expect(calls[1].url.pathname).toBe('/api/rooms/r1/hls');
    expect(screen.getByTestId('hls-preview')).toBeTruthy();
    await waitFor(() => expect(sources).toEqual(['https://meet.example.org/api/rooms/r1/hls/playlist.m3u8?sig=1']));
  });

  it('copies a fresh viewer link as a whole address', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    let n = 0;
    const calls = fakeFetch({
      'GET /api/rooms/r1/hls': () => ({ active: true, startedAt: '2026-11-25T21:00:00Z' }),
      'POST /api/rooms/r1/hls/link': () => link(++n),
    });
    renderSignedIn(<HlsSection roomId="r1" on playerDeps={playerDeps} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Copy viewer link' }));
    // The preview asks for links of its own, so which number the copied one has is not fixed.
    const field = (await screen.findByLabelText('Viewer link')) as HTMLInputElement;
    expect(field.value).toMatch(new RegExp(`^${window.location.origin}/api/rooms/r1/hls/playlist\\.m3u8\\?sig=\\d+$`));
    expect(writeText).toHaveBeenCalledWith(field.value);
    expect(n).toBeGreaterThan(0);
    expect(screen.getByText(/^Works until/)).toBeTruthy();
    expect(calls.filter((c) => c.url.pathname === '/api/rooms/r1/hls/link').every((c) => c.method === 'POST')).toBe(true);
  });

  it('stops HLS with DELETE', async () => {
    const calls = fakeFetch({
      'GET /api/rooms/r1/hls': () => ({ active: true, startedAt: '2026-11-25T21:00:00Z' }),
      'POST /api/rooms/r1/hls/link': () => link(1),
      'DELETE /api/rooms/r1/hls': () => new Response(null, { status: 204 }),
    });
    renderSignedIn(<HlsSection roomId="r1" on playerDeps={playerDeps} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Stop HLS' }));
    expect(await screen.findByRole('button', { name: 'Start HLS' })).toBeTruthy();
    expect(screen.queryByTestId('hls-preview')).toBeNull();
    expect(calls.some((c) => c.method === 'DELETE' && c.url.pathname === '/api/rooms/r1/hls')).toBe(true);
  });

  it('says in plain words why HLS could not start', async () => {
    fakeFetch({
      'GET /api/rooms/r1/hls': () => ({ active: false }),
      'POST /api/rooms/r1/hls': () => new Response(JSON.stringify({ error: 'conflict', message: 'room not live' }), { status: 409 }),
    });
    renderSignedIn(<HlsSection roomId="r1" on={false} playerDeps={playerDeps} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Start HLS' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'HLS could not start: it is already running, or nobody is in the room.',
    );
    expect(screen.getByRole('button', { name: 'Start HLS' })).toBeTruthy();
  });

  it('reloads its state when the room says HLS was turned on elsewhere', async () => {
    const calls = fakeFetch({
      'GET /api/rooms/r1/hls': () => ({ active: calls.length > 1, startedAt: '2026-11-25T21:00:00Z' }),
      'POST /api/rooms/r1/hls/link': () => link(1),
    });
    renderSignedIn(<SocketSays />);
    expect(await screen.findByRole('button', { name: 'Start HLS' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'socket: hls on' }));
    expect(await screen.findByRole('button', { name: 'Stop HLS' })).toBeTruthy();
  });
});
