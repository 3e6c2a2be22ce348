import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Room } from '../api/http';
import { fakeFetch, renderSignedIn } from '../test/renderSignedIn';
import LobbyPage from './LobbyPage';

const room = (id: string, name: string, ownerId: string): Room => ({
  id,
  name,
  ownerId,
  maxParticipants: 16,
  layout: 'grid',
  autoRecord: false,
  listed: true,
  createdAt: '2026-03-01T10:00:00Z',
});

afterEach(() => vi.unstubAllGlobals());

describe('LobbyPage', () => {
  it('splits my rooms from listed ones', async () => {
    fakeFetch({ 'GET /api/rooms': () => ({ items: [room('r1', 'Mine', 'u-ana'), room('r2', 'Theirs', 'u-bob')], next: null }) });
    renderSignedIn(<LobbyPage />);
    expect((await screen.findByTestId('my-rooms')).textContent).toContain('Mine');
    expect(screen.getByTestId('listed-rooms').textContent).toContain('Theirs');
    // Only the owner gets invite and delete.
    expect(screen.getByRole('button', { name: 'Invite people to Mine' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Invite people to Theirs' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Join Theirs' }).getAttribute('href')).toBe('/?room=r2');
  });

  it('creates a room from the dialog and shows it', async () => {
    const calls = fakeFetch({
      'GET /api/rooms': () => ({ items: [], next: null }),
      'POST /api/rooms': (_, init) => ({ ...room('r9', 'Standup', 'u-ana'), ...JSON.parse(String(init.body)) }),
    });
    renderSignedIn(<LobbyPage />);
    await screen.findByText(/You own no rooms yet/);
    await userEvent.click(screen.getByTestId('new-room'));
    await userEvent.type(screen.getByLabelText(/Room name/), 'Standup');
    await userEvent.click(screen.getByLabelText('Listed'));
    await userEvent.click(screen.getByTestId('create-room'));
    await waitFor(() => expect(screen.getByTestId('room-created').textContent).toContain('Standup'));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'Standup',
      maxParticipants: 25,
      layout: 'grid',
      autoRecord: false,
      listed: false,
    });
    expect(screen.getByTestId('my-rooms').textContent).toContain('Private');
  });

  it('says so when the server cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    renderSignedIn(<LobbyPage />);
    expect((await screen.findByText(/Cannot reach the server/)).textContent).toBeTruthy();
  });
});
