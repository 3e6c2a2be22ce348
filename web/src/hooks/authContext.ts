import { createContext, useContext } from 'react';
import type { Auth } from './useAuth';

/** The one useAuth() of the app, for pages below the router. */
export const AuthContext = createContext<Auth | null>(null);

export function useAuthContext(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuthContext outside AuthContext.Provider');
  return auth;
}
