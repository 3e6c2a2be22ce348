import { describe, expect, it } from 'vitest';
import { clearSession, loadSession, saveSession, type Session } from './session';

class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

const SESSION: Session = {
  token: 't0k',
  user: { id: 'u1', username: 'ana', role: 'member', disabled: false, createdAt: '2026-01-01T00:00:00Z' },
  expiresAt: '2026-01-02T00:00:00Z',
};
const BEFORE_EXPIRY = Date.parse('2026-01-01T12:00:00Z');

describe('session storage', () => {
  it('returns what was saved', () => {
    const storage = new MemoryStorage();
    saveSession(SESSION, storage);
    expect(loadSession(storage, BEFORE_EXPIRY)).toEqual(SESSION);
    clearSession(storage);
    expect(loadSession(storage, BEFORE_EXPIRY)).toBeNull();
  });

  it('drops an expired session', () => {
    const storage = new MemoryStorage();
    saveSession(SESSION, storage);
    expect(loadSession(storage, Date.parse('2026-01-03T00:00:00Z'))).toBeNull();
    expect(storage.length).toBe(0);
  });

  it('drops what it cannot read', () => {
    const storage = new MemoryStorage();
    storage.setItem('connect-right.session', '{"token":5}');
    expect(loadSession(storage, BEFORE_EXPIRY)).toBeNull();
    storage.setItem('connect-right.session', 'not json');
    expect(loadSession(storage, BEFORE_EXPIRY)).toBeNull();
  });
});
