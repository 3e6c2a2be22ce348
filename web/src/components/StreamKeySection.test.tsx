import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderSignedIn } from '../test/renderSignedIn';
import StreamKeySection from './StreamKeySection';

const KEY = 'crk_Y2hhbmdlLW1lLXRoaXMtaXMtbm90LWEta2V5';
const error = (status: number, code: string, message: string) => () =>
  new Response(JSON.stringify({ error: code, message }), { status });

afterEach(() => vi.unstubAllGlobals());

describe('StreamKeySection', () => {
  it('makes a first key without asking and shows it once, with the WHIP URL', async () => {
    const calls = fakeFetch({
      'GET /api/rooms/r1/stream-key': () => ({ exists: false }),
      'POST /api/rooms/r1/stream-key': () => ({ key: KEY, createdAt: '2026-11-25T20:41:03Z' }),
    });
    renderSignedIn(<StreamKeySection roomId="r1" />);
    expect(await screen.findByText('The room has no stream key.')).toBeTruthy();
    expect((screen.getByLabelText('WHIP URL') as HTMLInputElement).value).toBe(`${window.location.origin}/api/rooms/r1/whip`);

    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    expect((await screen.findByLabelText('Stream key') as HTMLInputElement).value).toBe(KEY);
    expect(screen.getByText(/shown only once/)).toBeTruthy();
    expect(screen.getByTestId('stream-key-state').textContent).toMatch(/^The room has had a key since .*2026/);
    expect(calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual([
      'GET /api/rooms/r1/stream-key',
      'POST /api/rooms/r1/stream-key',
    ]);
    expect(calls[1].body).toBeUndefined();
  });

  it('asks before replacing a key, and sends nothing on Cancel', async () => {
    const calls = fakeFetch({
      'GET /api/rooms/r1/stream-key': () => ({ exists: true, createdAt: '2026-11-25T20:41:03Z' }),
      'POST /api/rooms/r1/stream-key': () => ({ key: KEY, createdAt: '2026-11-25T21:00:00Z' }),
    });
    renderSignedIn(<StreamKeySection roomId="r1" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Replace key' }));
    expect(screen.getByText('Replace the stream key?')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    // The page behind the dialog is hidden from the accessibility tree until the dialog has gone.
    await userEvent.click(await screen.findByRole('button', { name: 'Replace key' }));
    await userEvent.click(screen.getByRole('button', { name: 'Replace' }));
    expect((await screen.findByLabelText('Stream key') as HTMLInputElement).value).toBe(KEY);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('revokes the key after asking', async () => {
    const calls = fakeFetch({
      'GET /api/rooms/r1/stream-key': () => ({ exists: true, createdAt: '2026-11-25T20:41:03Z' }),
      'DELETE /api/rooms/r1/stream-key': () => new Response(null, { status: 204 }),
    });
    renderSignedIn(<StreamKeySection roomId="r1" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke key' }));
    await userEvent.click(screen.getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText('The room has no stream key.')).toBeTruthy();
    expect(calls.at(-1)).toMatchObject({ method: 'DELETE' });
    expect(calls.at(-1)?.url.pathname).toBe('/api/rooms/r1/stream-key');
  });

  it('explains a refusal in plain words', async () => {
    fakeFetch({
      'GET /api/rooms/r1/stream-key': () => ({ exists: false }),
      'POST /api/rooms/r1/stream-key': error(403, 'forbidden', 'owner or admin only'),
    });
    renderSignedIn(<StreamKeySection roomId="r1" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Create key' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe("Only the room's owner or an administrator can manage its stream key."));
    expect(screen.queryByLabelText('Stream key')).toBeNull();
  });

  it('copies the key, or selects it when the browser refuses the clipboard', async () => {
    fakeFetch({
      'GET /api/rooms/r1/stream-key': () => ({ exists: false }),
      'POST /api/rooms/r1/stream-key': () => ({ key: KEY, createdAt: '2026-11-25T20:41:03Z' }),
    });
    const writeText = vi.fn().mockRejectedValueOnce(new DOMException('denied', 'NotAllowedError')).mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    renderSignedIn(<StreamKeySection roomId="r1" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Create key' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Copy stream key' }));
    expect(writeText).toHaveBeenCalledWith(KEY);
    expect(await screen.findByText(/copy it by hand/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Copy stream key' }));
    expect(await screen.findByText('Copied')).toBeTruthy();
  });
});
