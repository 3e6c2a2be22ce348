import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Recording } from '../api/http';
import { fakeFetch, renderSignedIn } from '../test/renderSignedIn';
import RecordingsPage from './RecordingsPage';

const rec = (id: string, roomId: string, roomName: string): Recording => ({
  id,
  roomId,
  roomName,
  startedBy: null,
  startedAt: '2026-03-01T10:00:00Z',
  endedAt: '2026-03-01T10:01:00Z',
  durationMs: 60_000,
  bytes: 2048,
  status: 'ready',
  error: null,
});

afterEach(() => vi.unstubAllGlobals());

describe('RecordingsPage', () => {
  it('filters by room and dates through the API', async () => {
    const calls = fakeFetch({
      'GET /api/rooms': () => ({ items: [{ id: 'r1', name: 'Standup', ownerId: 'u-ana', maxParticipants: 16, layout: 'grid', autoRecord: false, listed: true, createdAt: '' }], next: null }),
      'GET /api/recordings': (url) =>
        url.searchParams.get('room') === 'r1'
          ? { items: [rec('a', 'r1', 'Standup')], next: null }
          : { items: [rec('a', 'r1', 'Standup'), rec('b', 'r2', 'Retro')], next: null },
    });
    renderSignedIn(<RecordingsPage />);
    await waitFor(() => expect(screen.getAllByTestId('recording-row')).toHaveLength(2));

    await userEvent.click(screen.getByLabelText('Room'));
    await userEvent.click(within(screen.getByRole('listbox')).getByText('Standup'));
    await waitFor(() => expect(screen.getAllByTestId('recording-row')).toHaveLength(1));
    expect(calls.at(-1)?.url.searchParams.get('room')).toBe('r1');

    await userEvent.type(screen.getByLabelText('From'), '2026-03-01');
    await waitFor(() => expect(calls.at(-1)?.url.searchParams.get('from')).toBe(new Date(2026, 2, 1).toISOString()));
    expect(calls.at(-1)?.url.searchParams.get('room')).toBe('r1');
  });

  it('asks before deleting, and explains a refusal in plain words', async () => {
    fakeFetch({
      'GET /api/rooms': () => ({ items: [], next: null }),
      'GET /api/recordings': () => ({ items: [rec('a', 'r1', 'Standup')], next: null }),
      'DELETE /api/recordings/a': () => new Response(JSON.stringify({ error: 'conflict', message: 'running' }), { status: 409 }),
    });
    renderSignedIn(<RecordingsPage />);
    await userEvent.click(await screen.findByRole('button', { name: /^Delete the recording/ }));
    expect(screen.getByText('Delete this recording?')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect((await screen.findByText(/still running/)).textContent).toMatch(/Stop it first/);
  });
});
