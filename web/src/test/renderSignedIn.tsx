import type { ReactElement } from 'react';
import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import type { User } from '../api/http';
import { AuthContext } from '../hooks/authContext';
import type { Auth } from '../hooks/useAuth';

export const ANA: User = { id: 'u-ana', username: 'ana', role: 'member', disabled: false, createdAt: '2026-01-01T00:00:00Z' };

/** Renders a page as `user`, inside a router, with a fake sign-in state. */
export function renderSignedIn(ui: ReactElement, user: User = ANA) {
  const auth: Auth = {
    session: { token: 'crs_test', user, expiresAt: '2099-01-01T00:00:00Z' },
    notice: null,
    signIn: vi.fn(),
    register: vi.fn(),
    signOut: vi.fn(),
    expire: vi.fn(),
  };
  const view = render(
    <AuthContext.Provider value={auth}>
      <MemoryRouter>{ui}</MemoryRouter>
    </AuthContext.Provider>,
  );
  return { auth, ...view };
}

/** A fetch stand-in that answers by method and path, and remembers what was asked. */
export function fakeFetch(routes: Record<string, (url: URL, init: RequestInit) => unknown>) {
  const calls: { method: string; url: URL; body: unknown }[] = [];
  const fetch = vi.fn(async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://test');
    const method = init.method ?? 'GET';
    calls.push({ method, url, body: init.body ? JSON.parse(String(init.body)) : undefined });
    const route = routes[`${method} ${url.pathname}`];
    if (!route) return new Response(JSON.stringify({ error: 'not_found', message: 'no route' }), { status: 404 });
    const value = route(url, init);
    return value instanceof Response ? value : new Response(JSON.stringify(value), { status: method === 'POST' ? 201 : 200 });
  });
  vi.stubGlobal('fetch', fetch);
  return calls;
}
