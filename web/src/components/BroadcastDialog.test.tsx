import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderSignedIn } from '../test/renderSignedIn';
import BroadcastDialog from './BroadcastDialog';
import LiveBadge from './LiveBadge';

afterEach(() => vi.unstubAllGlobals());

const routes = () => ({
  'GET /api/rooms/r1/hls': () => ({ active: false }),
  'GET /api/rooms/r1/rtmp': () => ({ active: false }),
  'GET /api/rooms/r1/stream-key': () => ({ exists: false }),
});

describe('BroadcastDialog', () => {
  it('gives the owner the stream key, HLS and RTMP, loading each when opened', async () => {
    const calls = fakeFetch(routes());
    renderSignedIn(<BroadcastDialog open onClose={vi.fn()} roomId="r1" manageKey live={{ hls: false, rtmp: 'off' }} />);
    expect(await screen.findByText('The room has no stream key.')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'HLS stream' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Stream to a platform (RTMP)' })).toBeTruthy();
    expect(calls.map((c) => c.url.pathname).sort()).toEqual([
      '/api/rooms/r1/hls',
      '/api/rooms/r1/rtmp',
      '/api/rooms/r1/stream-key',
    ]);
  });

  it('leaves the stream key out for a presenter, and asks nothing while closed', async () => {
    const calls = fakeFetch(routes());
    const view = renderSignedIn(
      <BroadcastDialog open={false} onClose={vi.fn()} roomId="r1" manageKey={false} live={{ hls: false, rtmp: 'off' }} />,
    );
    expect(calls).toHaveLength(0);
    view.unmount();
    renderSignedIn(<BroadcastDialog open onClose={vi.fn()} roomId="r1" manageKey={false} live={{ hls: false, rtmp: 'off' }} />);
    expect(await screen.findByRole('heading', { name: 'HLS stream' })).toBeTruthy();
    expect(screen.queryByText(/Stream key for OBS/)).toBeNull();
    expect(calls.some((c) => c.url.pathname.endsWith('/stream-key'))).toBe(false);
  });
});

describe('LiveBadge', () => {
  it('shows LIVE for HLS or an RTMP push, and nothing when neither is on', () => {
    const { rerender } = render(<LiveBadge broadcast={{ hls: false, rtmp: 'off' }} />);
    expect(screen.queryByTestId('live-indicator')).toBeNull();
    rerender(<LiveBadge broadcast={{ hls: true, rtmp: 'off' }} />);
    expect(screen.getByTestId('live-indicator').textContent).toBe('LIVE');
    expect(screen.getByTestId('live-indicator').getAttribute('aria-label')).toBe('This room is broadcast as an HLS stream.');
    rerender(<LiveBadge broadcast={{ hls: false, rtmp: 'retrying' }} />);
    expect(screen.getByTestId('live-indicator').getAttribute('aria-label')).toMatch(/streaming platform \(reconnecting\)/);
  });
});
