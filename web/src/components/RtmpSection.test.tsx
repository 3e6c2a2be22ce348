import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderSignedIn } from '../test/renderSignedIn';
import RtmpSection, { RTMP_POLL_MS } from './RtmpSection';

const OFF = { active: false };
const gets = (calls: { method: string; url: URL }[]) =>
  calls.filter((c) => c.method === 'GET' && c.url.pathname === '/api/rooms/r1/rtmp').length;

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('RtmpSection', () => {
  it('keeps the stream key hidden and sends it at the end of the address', async () => {
    const calls = fakeFetch({
      'GET /api/rooms/r1/rtmp': () => OFF,
      'POST /api/rooms/r1/rtmp': () => ({ active: true, state: 'connecting', target: 'rtmp://live.example.com/app/****' }),
    });
    renderSignedIn(<RtmpSection roomId="r1" socketState="off" />);
    const key = screen.getByLabelText('Stream key') as HTMLInputElement;
    expect(key.type).toBe('password');
    await userEvent.type(screen.getByLabelText('Server address'), 'rtmp://live.example.com/app');
    await userEvent.type(key, 'abcd-1234');
    await userEvent.click(await screen.findByRole('button', { name: 'Start streaming' }));
    await waitFor(() => expect(screen.getByTestId('rtmp-state').textContent).toBe('Connecting'));
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url.pathname).toBe('/api/rooms/r1/rtmp');
    expect(post?.body).toEqual({ url: 'rtmp://live.example.com/app/abcd-1234' });
    expect(screen.getByText('To rtmp://live.example.com/app/****')).toBeTruthy();
    expect(screen.queryByLabelText('Stream key')).toBeNull();
  });

  it('says what is wrong with the address before sending anything', async () => {
    const calls = fakeFetch({ 'GET /api/rooms/r1/rtmp': () => OFF });
    renderSignedIn(<RtmpSection roomId="r1" socketState="off" />);
    await userEvent.type(screen.getByLabelText('Server address'), 'https://live.example.com/app');
    await userEvent.click(await screen.findByRole('button', { name: 'Start streaming' }));
    expect(screen.getByText('The address starts with rtmp:// or rtmps://')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it("shows the server's refusal of an address in plain words", async () => {
    fakeFetch({
      'GET /api/rooms/r1/rtmp': () => OFF,
      'POST /api/rooms/r1/rtmp': () =>
        new Response(JSON.stringify({ error: 'conflict', message: 'already pushing' }), { status: 409 }),
    });
    renderSignedIn(<RtmpSection roomId="r1" socketState="off" />);
    await userEvent.type(screen.getByLabelText('Server address'), 'rtmps://live.example.com/app/key');
    await userEvent.click(await screen.findByRole('button', { name: 'Start streaming' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The push could not start: the room already streams to a platform, or nobody is in the room.',
    );
  });

  it('polls a running push every few seconds, showing attempts and the last error, and stops it', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let running = true;
    const calls = fakeFetch({
      'GET /api/rooms/r1/rtmp': () =>
        running
          ? { active: true, state: 'retrying', target: 'rtmp://x/app/****', attempts: 3, lastError: 'connection refused', retryInMs: 4000 }
          : OFF,
      'DELETE /api/rooms/r1/rtmp': () => {
        running = false;
        return new Response(null, { status: 204 });
      },
    });
    renderSignedIn(<RtmpSection roomId="r1" socketState="retrying" />);
    await waitFor(() => expect(screen.getByTestId('rtmp-state').textContent).toBe('Retrying'));
    expect(screen.getByText('Attempt 3')).toBeTruthy();
    expect(screen.getByText('Last error: connection refused')).toBeTruthy();
    expect(screen.getByText('Next try in 4 s')).toBeTruthy();

    const before = gets(calls);
    await act(() => vi.advanceTimersByTimeAsync(RTMP_POLL_MS * 2 + 10));
    expect(gets(calls)).toBe(before + 2);

    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    await user.click(screen.getByRole('button', { name: 'Stop streaming' }));
    await waitFor(() => expect(screen.getByTestId('rtmp-state').textContent).toBe('Off'));
    expect(calls.some((c) => c.method === 'DELETE' && c.url.pathname === '/api/rooms/r1/rtmp')).toBe(true);
    const stopped = gets(calls);
    await act(() => vi.advanceTimersByTimeAsync(RTMP_POLL_MS * 3));
    expect(gets(calls)).toBe(stopped);
  });
});
