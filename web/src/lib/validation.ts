export const MAX_NAME_LENGTH = 32;
export const MAX_ROOM_LENGTH = 64;
export const MAX_ROOM_NAME_LENGTH = 64;
export const MIN_USERNAME_LENGTH = 3;
export const MAX_USERNAME_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

const ROOM_CHAR = /[A-Za-z0-9_-]/;
const USERNAME_CHAR = /[A-Za-z0-9._-]/;

/** Names each character outside `allowed` once, spaces spelled out. */
function badCharacters(text: string, allowed: RegExp): string | null {
  const bad = [...new Set([...text].filter((c) => !allowed.test(c)))];
  return bad.length === 0 ? null : bad.map((c) => (c === ' ' ? 'space' : `"${c}"`)).join(', ');
}

/** Returns why a room id is not acceptable to the server, or null if it is. */
export function roomIdProblem(room: string): string | null {
  if (room.length === 0) return 'Enter a room id';
  if (room.length > MAX_ROOM_LENGTH) return `At most ${MAX_ROOM_LENGTH} characters (this has ${room.length})`;
  const bad = badCharacters(room, ROOM_CHAR);
  if (bad) return `Only letters, digits, "-" and "_" are allowed (not ${bad})`;
  return null;
}

export function nameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return 'Enter your name';
  if (trimmed.length > MAX_NAME_LENGTH) return `At most ${MAX_NAME_LENGTH} characters`;
  return null;
}

export function roomNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return 'Enter a name for the room';
  if (trimmed.length > MAX_ROOM_NAME_LENGTH) return `At most ${MAX_ROOM_NAME_LENGTH} characters`;
  return null;
}

/** The server's rule for new accounts; signing in only needs a non-empty name. */
export function usernameProblem(username: string): string | null {
  if (username.length === 0) return 'Enter a user name';
  if (username.length < MIN_USERNAME_LENGTH) return `At least ${MIN_USERNAME_LENGTH} characters`;
  if (username.length > MAX_USERNAME_LENGTH) return `At most ${MAX_USERNAME_LENGTH} characters (this has ${username.length})`;
  const bad = badCharacters(username, USERNAME_CHAR);
  if (bad) return `Only letters, digits, ".", "_" and "-" are allowed (not ${bad})`;
  return null;
}

// The server refuses a much longer list; these are the ones people try first,
// caught here so the form can say so before a round trip.
const COMMON_PASSWORDS = new Set([
  'password',
  'password1',
  'password123',
  '12345678',
  '123456789',
  '1234567890',
  '87654321',
  '11111111',
  '00000000',
  'qwertyui',
  'qwerty123',
  'qwertyuiop',
  'abcd1234',
  'abc12345',
  'iloveyou',
  'letmein1',
  'welcome1',
  'sunshine',
  'football',
  'baseball',
  'princess',
  'trustno1',
]);

/** The server's rule for a new password (length, not a common one). */
export function passwordProblem(password: string): string | null {
  if (password.length === 0) return 'Enter a password';
  if (password.length < MIN_PASSWORD_LENGTH) return `At least ${MIN_PASSWORD_LENGTH} characters (this has ${password.length})`;
  if (password.length > MAX_PASSWORD_LENGTH) return `At most ${MAX_PASSWORD_LENGTH} characters`;
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'This password is too common; choose another';
  return null;
}

export const MAX_PARTICIPANTS_LIMIT = 25;

/** The room's participant limit, as typed: a whole number from 1 to 16. */
export function maxParticipantsProblem(text: string): string | null {
  if (text.trim() === '') return 'Enter how many people may join';
  if (!/^\d+$/.test(text.trim())) return 'Enter a whole number';
  const n = Number(text);
  if (n < 1 || n > MAX_PARTICIPANTS_LIMIT) return `From 1 to ${MAX_PARTICIPANTS_LIMIT}`;
  return null;
}
