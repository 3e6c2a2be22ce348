import { useCallback, useEffect, useState } from 'react';
import * as http from '../api/http';
import { clearSession, loadSession, saveSession, updateSessionUser, type Session } from '../lib/session';

export interface Auth {
  session: Session | null;
  /** Why the user is back at the sign-in page (an expired session), if they did not sign out. */
  notice: string | null;
  signIn: (username: string, password: string) => Promise<void>;
  /** Creates the account, then signs in with it. */
  register: (username: string, password: string) => Promise<void>;
  signOut: () => void;
  /** Forgets a session the server no longer accepts. */
  expire: (notice: string) => void;
}

export function useAuth(): Auth {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [notice, setNotice] = useState<string | null>(null);

  const expire = useCallback((why: string) => {
    clearSession();
    setSession(null);
    setNotice(why);
  }, []);

  // A stored session may have been ended on the server (sign-out elsewhere, a
  // restart with a new database): check it once when the page opens.
  const storedToken = session?.token;
  useEffect(() => {
    if (!storedToken) return;
    let current = true;
    http.me(storedToken).then(
      (user) => {
        if (current) setSession((s) => (s?.token === storedToken ? updateSessionUser(s, user) : s));
      },
      (err: unknown) => {
        // Other failures (the server unreachable) leave the session to the join to judge.
        if (current && err instanceof http.ApiError && err.status === 401) {
          expire(err.code === 'expired' ? 'Your session has expired. Sign in again.' : 'Your session has ended. Sign in again.');
        }
      },
    );
    return () => {
      current = false;
    };
    // Only the session found at start needs checking; a fresh sign-in is known good.
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    const result = await http.login(username, password);
    saveSession(result);
    setNotice(null);
    setSession(result);
  }, []);

  const register = useCallback(
    async (username: string, password: string) => {
      await http.register(username, password);
      await signIn(username, password);
    },
    [signIn],
  );

  const signOut = useCallback(() => {
    if (session) http.logout(session.token).catch(() => {});
    clearSession();
    setNotice(null);
    setSession(null);
  }, [session]);

  return { session, notice, signIn, register, signOut, expire };
}
