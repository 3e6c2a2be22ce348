import { describe, expect, it } from 'vitest';
import type { Recording } from '../api/http';
import { filterProblem, filterToQuery, formatBytes, formatDuration, sortRecordings } from './recordings';

const rec = (id: string, over: Partial<Recording>): Recording => ({
  id,
  roomId: 'r',
  roomName: 'Room',
  startedBy: null,
  startedAt: '2026-03-01T10:00:00Z',
  endedAt: null,
  durationMs: null,
  bytes: null,
  status: 'ready',
  error: null,
  ...over,
});

describe('filterToQuery', () => {
  it('covers whole local days', () => {
    const q = filterToQuery({ room: 'abc', from: '2026-03-01', to: '2026-03-03' });
    expect(q.room).toBe('abc');
    expect(new Date(q.from!).getTime()).toBe(new Date(2026, 2, 1).getTime());
    expect(new Date(q.to!).getTime()).toBe(new Date(2026, 2, 4).getTime() - 1);
  });

  it('leaves out what is empty', () => {
    expect(filterToQuery({ room: '', from: '', to: '' })).toEqual({});
  });

  it('notices dates the wrong way round', () => {
    expect(filterProblem({ room: '', from: '2026-03-04', to: '2026-03-03' })).toMatch(/after/);
    expect(filterProblem({ room: '', from: '2026-03-03', to: '2026-03-03' })).toBeNull();
  });
});

describe('sortRecordings', () => {
  const list = [
    rec('a', { roomName: 'beta', startedAt: '2026-03-02T00:00:00Z', bytes: 10, durationMs: 5000 }),
    rec('b', { roomName: 'Alpha', startedAt: '2026-03-03T00:00:00Z', bytes: null, durationMs: null, status: 'recording' }),
    rec('c', { roomName: 'gamma', startedAt: '2026-03-01T00:00:00Z', bytes: 99, durationMs: 1000 }),
  ];
  const ids = (l: Recording[]) => l.map((r) => r.id);

  it('sorts by each column both ways, unfinished sizes as the smallest', () => {
    expect(ids(sortRecordings(list, { key: 'startedAt', direction: 'desc' }))).toEqual(['b', 'a', 'c']);
    expect(ids(sortRecordings(list, { key: 'roomName', direction: 'asc' }))).toEqual(['b', 'a', 'c']);
    expect(ids(sortRecordings(list, { key: 'bytes', direction: 'desc' }))).toEqual(['c', 'a', 'b']);
    expect(ids(sortRecordings(list, { key: 'durationMs', direction: 'asc' }))).toEqual(['b', 'c', 'a']);
  });

  it('does not change the list it was given', () => {
    sortRecordings(list, { key: 'bytes', direction: 'asc' });
    expect(ids(list)).toEqual(['a', 'b', 'c']);
  });
});

describe('formatting', () => {
  it('shows sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MiB');
    expect(formatBytes(null)).toBe('—');
  });

  it('shows durations as clock time', () => {
    expect(formatDuration(10_000)).toBe('0:10');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(formatDuration(null)).toBe('—');
  });
});
