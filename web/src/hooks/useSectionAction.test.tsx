import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http';
import { AuthContext } from './authContext';
import type { Auth } from './useAuth';
import { useSectionAction } from './useSectionAction';

/** A signed-in user; `expired` collects what a refused session would tell them. */
function signedIn(expired: string[]) {
  const auth: Auth = {
    session: { token: 'crs_test', user: { id: 'u1', username: 'ada', role: 'member' } } as Auth['session'],
    notice: null,
    signIn: async () => {},
    register: async () => {},
    signOut: () => {},
    expire: (notice) => expired.push(notice),
  };
  return ({ children }: { children: ReactNode }) => <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}

describe('useSectionAction', () => {
  it('is busy while an action runs, then hands back its value with the session token', async () => {
    const { result } = renderHook(() => useSectionAction(), { wrapper: signedIn([]) });
    let finish: (v: string) => void = () => {};
    let seen = '';
    let outcome: Promise<unknown> = Promise.resolve();
    act(() => {
      outcome = result.current.act('startHls', (token) => {
        seen = token;
        return new Promise<string>((resolve) => (finish = resolve));
      });
    });
    expect(result.current.busy).toBe(true);
    await act(async () => {
      finish('on');
      await outcome;
    });
    expect(seen).toBe('crs_test');
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeNull();
    await expect(outcome).resolves.toEqual({ value: 'on' });
  });

  it('shows a refusal as a sentence, clears it on the next action, and is not busy after', async () => {
    const { result } = renderHook(() => useSectionAction(), { wrapper: signedIn([]) });
    let outcome: unknown;
    await act(async () => {
      outcome = await result.current.act('startRtmp', () => Promise.reject(new ApiError(409, 'conflict', 'already running')));
    });
    expect(outcome).toBeNull();
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toMatch(/\w+ \w+/);
    await act(async () => {
      await result.current.act('stopRtmp', async () => null);
    });
    expect(result.current.error).toBeNull();
  });

  it('sends a refused session back to sign in with the reason', async () => {
    const expired: string[] = [];
    const { result } = renderHook(() => useSectionAction(), { wrapper: signedIn(expired) });
    await act(async () => {
      await result.current.read('streamKey', () => Promise.reject(new ApiError(401, 'expired', 'expired')));
    });
    expect(expired).toHaveLength(1);
    expect(result.current.error).toBe(expired[0]);
  });
});
