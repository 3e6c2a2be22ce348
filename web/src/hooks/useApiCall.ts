import { useCallback } from 'react';
import { explainApiError, isSessionError, type ApiAction } from '../lib/errorText';
import { useAuthContext } from './authContext';

/**
 * Wraps an API call of a signed-in page: a refused session sends the user to
 * the sign-in form (with the reason), other failures come back as a sentence.
 */
export function useApiCall() {
  const auth = useAuthContext();
  const token = auth.session?.token ?? '';
  const { expire } = auth;
  const run = useCallback(
    async <T,>(action: ApiAction, call: (token: string) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> => {
      try {
        return { ok: true, value: await call(token) };
      } catch (err) {
        const error = explainApiError(err, action);
        if (isSessionError(err)) expire(error);
        return { ok: false, error };
      }
    },
    [token, expire],
  );
  return run;
}
