import { roomIdProblem } from './validation';

export interface JoinLink {
  /** '' when the address names no room. */
  room: string;
  /** The invite token of a guest link, or null. */
  invite: string | null;
  /** `&role=viewer` marks a watch-only link (a viewer invite, or a member choosing to watch). */
  viewer: boolean;
}

/** Reads `?room=ID` (a room to join), `?room=ID&invite=TOKEN` (a guest's invite) and `&role=viewer`. */
export function parseJoinLink(search: string): JoinLink {
  const params = new URLSearchParams(search);
  const invite = params.get('invite')?.trim() ?? '';
  return {
    room: params.get('room')?.trim() ?? '',
    invite: invite === '' ? null : invite,
    viewer: params.get('role') === 'viewer',
  };
}

/** The path and query of the join page for a link; the inverse of parseJoinLink. */
export function joinPath({ room, invite, viewer }: JoinLink): string {
  const params = new URLSearchParams({ room });
  if (invite) params.set('invite', invite);
  if (viewer) params.set('role', 'viewer');
  return `/?${params.toString()}`;
}

/** The link an owner hands out: it opens the guest join page for that room. */
export function inviteLink(origin: string, room: string, token: string, viewer = false): string {
  return `${origin}${joinPath({ room, invite: token, viewer })}`;
}

/**
 * What a person pasted into "join by link": a whole invite or room link, or
 * just a room id. Returns null with nothing usable in it.
 */
export function parsePastedLink(text: string): JoinLink | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (roomIdProblem(trimmed) === null) return { room: trimmed, invite: null, viewer: false };
  let search: string;
  try {
    search = new URL(trimmed, 'http://placeholder').search;
  } catch {
    return null;
  }
  const link = parseJoinLink(search);
  return roomIdProblem(link.room) === null ? link : null;
}
