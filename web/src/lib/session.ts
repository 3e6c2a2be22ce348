import type { LoginResult, User } from '../api/http';

export type Session = LoginResult;

const SESSION_KEY = 'connect-right.session';

/**
 * The signed-in session lives in sessionStorage: it survives a reload, ends
 * with the tab, and is the token `join` sends, so a reconnect from the same
 * tab replaces the old connection instead of showing the user twice.
 * A session whose expiry has passed is dropped rather than returned.
 */
export function loadSession(storage: Storage = window.sessionStorage, now: number = Date.now()): Session | null {
  const text = storage.getItem(SESSION_KEY);
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null) throw new Error('not an object');
    const { token, user, expiresAt } = v as Partial<Session>;
    if (typeof token !== 'string' || typeof user?.username !== 'string' || typeof expiresAt !== 'string') {
      throw new Error('missing fields');
    }
    const expiry = Date.parse(expiresAt);
    if (!Number.isNaN(expiry) && expiry <= now) throw new Error('expired');
    return { token, user, expiresAt };
  } catch {
    storage.removeItem(SESSION_KEY);
    return null;
  }
}

export function saveSession(session: Session, storage: Storage = window.sessionStorage): void {
  storage.setItem(SESSION_KEY, JSON.stringify(session));
}

/** Keeps the token and expiry, refreshes what we know about the user. */
export function updateSessionUser(session: Session, user: User, storage: Storage = window.sessionStorage): Session {
  const updated = { ...session, user };
  saveSession(updated, storage);
  return updated;
}

export function clearSession(storage: Storage = window.sessionStorage): void {
  storage.removeItem(SESSION_KEY);
}
