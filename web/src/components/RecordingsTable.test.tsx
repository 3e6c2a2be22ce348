import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Recording } from '../api/http';
import RecordingsTable from './RecordingsTable';

const rec = (id: string, over: Partial<Recording>): Recording => ({
  id,
  roomId: `room-${id}`,
  roomName: id,
  startedBy: null,
  startedAt: '2026-03-01T10:00:00Z',
  endedAt: null,
  durationMs: 60_000,
  bytes: 1024,
  status: 'ready',
  error: null,
  ...over,
});

const LIST = [
  rec('Alpha', { startedAt: '2026-03-01T10:00:00Z', bytes: 5 * 1024 * 1024 }),
  rec('Beta', { startedAt: '2026-03-03T10:00:00Z', bytes: 1024, status: 'finalizing', durationMs: null }),
  rec('Gamma', { startedAt: '2026-03-02T10:00:00Z', bytes: 300 * 1024 }),
];

const roomsInOrder = () => screen.getAllByTestId('recording-row').map((row) => within(row).getAllByRole('cell')[1].textContent);

describe('RecordingsTable', () => {
  it('lists the newest first, and sorts by a column heading both ways', async () => {
    render(<RecordingsTable recordings={LIST} onPlay={vi.fn()} onDownload={vi.fn()} onDelete={vi.fn()} />);
    expect(roomsInOrder()).toEqual(['Beta', 'Gamma', 'Alpha']);
    await userEvent.click(screen.getByRole('button', { name: 'Size' }));
    expect(roomsInOrder()).toEqual(['Alpha', 'Gamma', 'Beta']);
    await userEvent.click(screen.getByRole('button', { name: 'Size' }));
    expect(roomsInOrder()).toEqual(['Beta', 'Gamma', 'Alpha']);
    await userEvent.click(screen.getByRole('button', { name: 'Room' }));
    expect(roomsInOrder()).toEqual(['Alpha', 'Beta', 'Gamma']);
  });

  it('shows size and duration, and a finalizing recording cannot be played or deleted yet', async () => {
    const onPlay = vi.fn();
    render(<RecordingsTable recordings={LIST} onPlay={onPlay} onDownload={vi.fn()} onDelete={vi.fn()} />);
    const beta = screen.getAllByTestId('recording-row')[0];
    expect(within(beta).getByText('Finalizing')).toBeTruthy();
    expect(within(beta).getByRole('button', { name: /^Play/ }).hasAttribute('disabled')).toBe(true);
    expect(within(beta).getByRole('button', { name: /^Delete/ }).hasAttribute('disabled')).toBe(true);
    const alpha = screen.getAllByTestId('recording-row')[2];
    expect(within(alpha).getByText('5.0 MiB')).toBeTruthy();
    expect(within(alpha).getByText('1:00')).toBeTruthy();
    await userEvent.click(within(alpha).getByRole('button', { name: /^Play/ }));
    expect(onPlay).toHaveBeenCalledWith(LIST[0]);
  });
});
