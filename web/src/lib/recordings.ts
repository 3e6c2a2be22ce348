import type { Recording, RecordingFilter, RecordingStatus } from '../api/http';

export type RecordingSortKey = 'startedAt' | 'roomName' | 'durationMs' | 'bytes' | 'status';
export type SortDirection = 'asc' | 'desc';

export interface RecordingSort {
  key: RecordingSortKey;
  direction: SortDirection;
}

/** The filter as the form holds it: a room id ('' for all) and calendar days ('' for open). */
export interface RecordingFilterForm {
  room: string;
  /** `YYYY-MM-DD`, from an `<input type="date">`. */
  from: string;
  to: string;
}

export const EMPTY_FILTER: RecordingFilterForm = { room: '', from: '', to: '' };

/**
 * The API's filter for the form: whole days in the viewer's time zone, so
 * "to 3 March" includes recordings made late on 3 March.
 */
export function filterToQuery(form: RecordingFilterForm): RecordingFilter {
  const query: RecordingFilter = {};
  if (form.room) query.room = form.room;
  const from = localDay(form.from);
  if (from) query.from = from.toISOString();
  const to = localDay(form.to);
  if (to) {
    to.setDate(to.getDate() + 1);
    query.to = new Date(to.getTime() - 1).toISOString();
  }
  return query;
}

function localDay(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
}

/** Why the dates cannot be used, or null. */
export function filterProblem(form: RecordingFilterForm): string | null {
  if (form.from && form.to && form.from > form.to) return 'The "from" day is after the "to" day';
  return null;
}

// Unfinished recordings have no size or length yet; they sort as the smallest.
const sortValue = (r: Recording, key: RecordingSortKey): string | number => {
  switch (key) {
    case 'startedAt':
      return Date.parse(r.startedAt) || 0;
    case 'roomName':
      return (r.roomName || r.roomId).toLocaleLowerCase();
    case 'durationMs':
      return r.durationMs ?? -1;
    case 'bytes':
      return r.bytes ?? -1;
    case 'status':
      return r.status;
  }
};

/** A sorted copy; ties keep the newest first. */
export function sortRecordings(list: readonly Recording[], { key, direction }: RecordingSort): Recording[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (x < y) return -sign;
    if (x > y) return sign;
    return (Date.parse(b.startedAt) || 0) - (Date.parse(a.startedAt) || 0);
  });
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || ms < 0) return '—';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

export const STATUS_LABEL: Record<RecordingStatus, string> = {
  recording: 'Recording',
  finalizing: 'Finalizing',
  ready: 'Ready',
  recovered: 'Recovered',
  failed: 'Failed',
};

/** The file can be played or downloaded (`409` before that). */
export const isPlayable = (r: Recording) => r.status === 'ready' || r.status === 'recovered';

/** Still changing on the server: the list refreshes itself while one is. */
export const isInProgress = (r: Recording) => r.status === 'recording' || r.status === 'finalizing';
