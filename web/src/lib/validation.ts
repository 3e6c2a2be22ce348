export const MAX_NAME_LENGTH = 32;
export const MAX_ROOM_LENGTH = 64;

const ROOM_CHAR = /[A-Za-z0-9_-]/;

/** Returns why a room id is not acceptable to the server, or null if it is. */
export function roomIdProblem(room: string): string | null {
  if (room.length === 0) return 'Enter a room name';
  if (room.length > MAX_ROOM_LENGTH) return `At most ${MAX_ROOM_LENGTH} characters (this has ${room.length})`;
  const bad = [...new Set([...room].filter((c) => !ROOM_CHAR.test(c)))];
  if (bad.length > 0) {
    const shown = bad.map((c) => (c === ' ' ? 'space' : `"${c}"`)).join(', ');
    return `Only letters, digits, "-" and "_" are allowed (not ${shown})`;
  }
  return null;
}

export function nameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return 'Enter your name';
  if (trimmed.length > MAX_NAME_LENGTH) return `At most ${MAX_NAME_LENGTH} characters`;
  return null;
}
