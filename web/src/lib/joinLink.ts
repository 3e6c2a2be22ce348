export interface JoinLink {
  /** '' when the address names no room. */
  room: string;
  /** The invite token of a guest link, or null. */
  invite: string | null;
}

/** Reads `?room=ID` (a room to pick) and `?room=ID&invite=TOKEN` (a guest's invite). */
export function parseJoinLink(search: string): JoinLink {
  const params = new URLSearchParams(search);
  const invite = params.get('invite')?.trim() ?? '';
  return { room: params.get('room')?.trim() ?? '', invite: invite === '' ? null : invite };
}

/** The link an owner hands out: it opens the guest join page for that room. */
export function inviteLink(origin: string, room: string, token: string): string {
  return `${origin}/?room=${encodeURIComponent(room)}&invite=${encodeURIComponent(token)}`;
}
