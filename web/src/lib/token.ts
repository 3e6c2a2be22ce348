const TOKEN_KEY = 'connect-right.token';

/**
 * Until accounts exist the join token is a random id kept for the tab's
 * lifetime: a reload or reconnect sends the same one, so the server replaces
 * the old connection instead of showing the user twice.
 */
export function sessionToken(storage: Storage = window.sessionStorage): string {
  const existing = storage.getItem(TOKEN_KEY);
  if (existing) return existing;
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  const token = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  storage.setItem(TOKEN_KEY, token);
  return token;
}
