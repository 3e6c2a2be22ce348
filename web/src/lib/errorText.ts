import { ApiError } from '../api/http';

/** What the user was doing, which decides how a code reads. */
export type ApiAction =
  | 'signIn'
  | 'register'
  | 'loadRooms'
  | 'createRoom'
  | 'updateRoom'
  | 'deleteRoom'
  | 'invite'
  | 'loadRecordings'
  | 'playRecording'
  | 'deleteRecording'
  | 'loadUsers'
  | 'updateUser'
  | 'streamKey'
  | 'loadBroadcast'
  | 'startHls'
  | 'stopHls'
  | 'hlsLink'
  | 'startRtmp'
  | 'stopRtmp';

const BROADCAST_FORBIDDEN = "Only presenters, the room's owner or an administrator can control broadcasts.";

// Where the same code means something different depending on the request.
const BY_ACTION: Partial<Record<ApiAction, Record<string, string>>> = {
  signIn: {
    unauthorized: 'Wrong user name or password.',
    forbidden: 'This account is disabled. Ask an administrator to enable it.',
  },
  register: {
    conflict: 'That user name is taken. Choose another one.',
  },
  createRoom: {
    forbidden: 'Your account may not create rooms.',
  },
  updateRoom: {
    forbidden: "Only the room's owner or an administrator can change its settings.",
  },
  deleteRoom: {
    forbidden: "Only the room's owner or an administrator can delete it.",
  },
  invite: {
    forbidden: "Only the room's owner or an administrator can invite people.",
    not_found: 'This room no longer exists.',
  },
  playRecording: {
    conflict: 'This recording is not ready yet: it is still running or being finalised.',
    not_found: 'This recording no longer exists.',
  },
  deleteRecording: {
    conflict: 'This recording is still running. Stop it first, then delete it.',
    not_found: 'This recording was already deleted.',
  },
  loadRecordings: {
    bad_request: 'The filter is not valid. Check the dates.',
  },
  loadUsers: {
    forbidden: 'Only administrators can see the accounts.',
  },
  updateUser: {
    conflict: 'At least one active administrator must remain, so this change was refused.',
    forbidden: 'Only administrators can change accounts.',
  },
  streamKey: {
    forbidden: "Only the room's owner or an administrator can manage its stream key.",
    not_found: 'This room no longer exists.',
  },
  loadBroadcast: {
    forbidden: BROADCAST_FORBIDDEN,
    not_found: 'This room no longer exists.',
  },
  startHls: {
    forbidden: BROADCAST_FORBIDDEN,
    conflict: 'HLS could not start: it is already running, or nobody is in the room.',
  },
  stopHls: {
    forbidden: BROADCAST_FORBIDDEN,
    conflict: 'HLS is not running.',
  },
  hlsLink: {
    forbidden: 'You may not watch this room.',
    conflict: 'HLS is not running in this room, so there is nothing to watch.',
  },
  startRtmp: {
    forbidden: BROADCAST_FORBIDDEN,
    conflict: 'The push could not start: the room already streams to a platform, or nobody is in the room.',
  },
  stopRtmp: {
    forbidden: BROADCAST_FORBIDDEN,
    conflict: 'The room is not streaming to a platform.',
  },
};

const GENERAL: Record<string, string> = {
  network: 'Cannot reach the server. Check your connection and try again.',
  unauthorized: 'You are signed out. Sign in again.',
  expired: 'Your session has expired. Sign in again.',
  forbidden: 'You are not allowed to do that.',
  not_found: 'It no longer exists.',
  too_large: 'That is more than the server accepts.',
  internal: 'The server ran into a problem. Try again; if it keeps happening, tell the administrator.',
  overloaded: 'The server is busy. Try again in a moment.',
  bad_response: 'The server sent a reply this page does not understand. Reload the page.',
};

/**
 * Turns a failed API call into one sentence a person can act on. Codes that
 * carry the server's own explanation (`bad_request` says what is wrong with
 * a name or password, `unavailable` why a recording cannot be written) keep it.
 */
export function explainApiError(err: unknown, action?: ApiAction): string {
  if (!(err instanceof ApiError)) return `Something went wrong: ${err instanceof Error ? err.message : String(err)}`;
  if (err.code === 'rate_limited') {
    const wait = err.retryAfter === null ? 'Wait a while' : `Wait ${Math.max(1, err.retryAfter)} second${err.retryAfter === 1 ? '' : 's'}`;
    return `Too many attempts. ${wait} before trying again.`;
  }
  const specific = action ? BY_ACTION[action]?.[err.code] : undefined;
  if (specific) return specific;
  if (err.code === 'bad_request' || err.code === 'unavailable' || err.code === 'conflict') return err.message;
  return GENERAL[err.code] ?? err.message;
}

/** A refused session: the page should forget it and show the sign-in form. */
export const isSessionError = (err: unknown): boolean =>
  err instanceof ApiError && err.status === 401 && (err.code === 'unauthorized' || err.code === 'expired');
