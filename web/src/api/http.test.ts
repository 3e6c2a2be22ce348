import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  createInvite,
  createRoom,
  listRecordings,
  listRooms,
  login,
  logout,
  me,
  getRtmp,
  getStreamKey,
  hlsLink,
  parseRetryAfter,
  recordingLink,
  startHls,
  startRtmp,
  stopRtmp,
  updateUser,
} from './http';

const USER = { id: 'u1', username: 'ana', role: 'member', disabled: false, createdAt: '2026-01-01T00:00:00Z' };

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

function stubFetch(reply: () => Response | Promise<Response>) {
  const fetchMock = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => reply());
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected the call to fail');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('http requests', () => {
  it('posts the credentials as JSON and returns the session', async () => {
    const fetchMock = stubFetch(() => json(200, { token: 't0k', user: USER, expiresAt: '2026-01-02T00:00:00Z' }));
    const result = await login('ana', 'correct horse');
    expect(result.token).toBe('t0k');
    expect(result.user.username).toBe('ana');
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/auth/login');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ username: 'ana', password: 'correct horse' });
    expect((init?.headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it('sends the session token as a bearer token', async () => {
    const fetchMock = stubFetch(() => json(201, { id: 'r1', name: 'Standup', ownerId: 'u1' }));
    const room = await createRoom('t0k', { name: 'Standup' });
    expect(room.id).toBe('r1');
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/rooms');
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer t0k');
  });

  it('asks for a participant invite by default, escaping the room id', async () => {
    const fetchMock = stubFetch(() => json(201, { id: 'i1', roomId: 'a b', role: 'participant', token: 'inv' }));
    await createInvite('t0k', 'a b');
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/rooms/a%20b/invites');
    expect(JSON.parse(String(init?.body))).toEqual({ role: 'participant' });
  });

  it('passes the recording filter and the page cursor as query parameters', async () => {
    const fetchMock = stubFetch(() => json(200, { items: [], next: null }));
    await listRecordings('t0k', { room: 'r1', from: '2026-03-01T00:00:00.000Z' }, 'c2');
    expect(fetchMock.mock.calls[0][0]).toBe('/api/recordings?room=r1&from=2026-03-01T00%3A00%3A00.000Z&cursor=c2');
    await listRooms('t0k');
    expect(fetchMock.mock.calls[1][0]).toBe('/api/rooms');
  });

  it('asks for a signed link to play a recording', async () => {
    const fetchMock = stubFetch(() => json(200, { url: '/api/recordings/x/file?expires=1&sig=s', expiresAt: '2026-01-01T00:05:00Z' }));
    expect((await recordingLink('t0k', 'x')).url).toBe('/api/recordings/x/file?expires=1&sig=s');
    expect(fetchMock.mock.calls[0][1]?.method).toBe('POST');
  });

  it('patches only the changed account fields', async () => {
    const fetchMock = stubFetch(() => json(200, { ...USER, disabled: true }));
    const user = await updateUser('t0k', 'u1', { disabled: true });
    expect(user.disabled).toBe(true);
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/users/u1');
    expect(init?.method).toBe('PATCH');
    expect(JSON.parse(String(init?.body))).toEqual({ disabled: true });
  });

  it('accepts an empty 204 from logout', async () => {
    stubFetch(() => new Response(null, { status: 204 }));
    await expect(logout('t0k')).resolves.toBeUndefined();
  });
});

describe('http error mapping', () => {
  it("keeps the server's code and message", async () => {
    stubFetch(() => json(409, { error: 'conflict', message: 'That user name is taken' }));
    const err = await failure(login('ana', 'x'));
    expect(err.status).toBe(409);
    expect(err.code).toBe('conflict');
    expect(err.message).toBe('That user name is taken');
  });

  it('tells expired from unauthorized on /api/me', async () => {
    stubFetch(() => json(401, { error: 'expired', message: 'session expired' }));
    const err = await failure(me('old'));
    expect(err.status).toBe(401);
    expect(err.code).toBe('expired');
  });

  it('says how many seconds to wait after a 429', async () => {
    stubFetch(() => json(429, { error: 'rate_limited', message: 'Too many sign-in attempts.' }, { 'Retry-After': '30' }));
    const err = await failure(login('ana', 'x'));
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfter).toBe(30);
  });

  it('falls back to the status when the body is not the error shape', async () => {
    stubFetch(() => new Response('<html>Bad Gateway</html>', { status: 404 }));
    const err = await failure(me('t'));
    expect(err.code).toBe('not_found');
    expect(err.message).not.toBe('');
  });

  it('reports an unreachable server as a network error', async () => {
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const err = await failure(login('ana', 'x'));
    expect(err.code).toBe('network');
    expect(err.status).toBe(0);
  });

  it('refuses a success reply without the expected fields', async () => {
    stubFetch(() => json(200, { user: USER }));
    const err = await failure(login('ana', 'x'));
    expect(err.code).toBe('bad_response');
  });
});

describe('broadcast requests', () => {
  it('posts the RTMP address and reads the state it starts in', async () => {
    const fetchMock = stubFetch(() => json(201, { active: true, state: 'connecting', target: 'rtmp://live.example.com/app/••••' }));
    const state = await startRtmp('t0k', 'r 1', 'rtmp://live.example.com/app/secret');
    expect(state).toEqual({
      active: true,
      state: 'connecting',
      target: 'rtmp://live.example.com/app/••••',
      attempts: 0,
      lastError: null,
      retryInMs: null,
    });
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/rooms/r%201/rtmp');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({ url: 'rtmp://live.example.com/app/secret' });
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer t0k');
  });

  it('reads a retrying push, and an idle one that says only that it is off', async () => {
    stubFetch(() =>
      json(200, { active: true, state: 'retrying', target: 't', attempts: 3, lastError: 'connection refused', retryInMs: 4000 }),
    );
    expect(await getRtmp('t0k', 'r1')).toMatchObject({ state: 'retrying', attempts: 3, lastError: 'connection refused', retryInMs: 4000 });
    stubFetch(() => json(200, { active: false }));
    expect(await getRtmp('t0k', 'r1')).toMatchObject({ active: false, state: null, attempts: 0 });
    stubFetch(() => json(200, { state: 'live' }));
    expect((await failure(getRtmp('t0k', 'r1'))).code).toBe('bad_response');
  });

  it('starts HLS with its first playlist link, and asks for fresh ones', async () => {
    const fetchMock = stubFetch(() =>
      json(201, { active: true, startedAt: '2026-01-01T00:00:00Z', playlist: { url: '/p.m3u8?sig=1', expiresAt: '2026-01-01T00:05:00Z' } }),
    );
    expect(await startHls('t0k', 'r1')).toEqual({
      active: true,
      startedAt: '2026-01-01T00:00:00Z',
      playlist: { url: '/p.m3u8?sig=1', expiresAt: '2026-01-01T00:05:00Z' },
    });
    expect(fetchMock.mock.calls[0][0]).toBe('/api/rooms/r1/hls');
    stubFetch(() => json(200, { url: '/p.m3u8?sig=2', expiresAt: '2026-01-01T00:10:00Z' }));
    expect((await hlsLink('t0k', 'r1')).url).toBe('/p.m3u8?sig=2');
  });

  it('reads whether a stream key exists, and takes 204 for a stop', async () => {
    stubFetch(() => json(200, { exists: true, createdAt: '2026-01-01T00:00:00Z' }));
    expect(await getStreamKey('t0k', 'r1')).toEqual({ exists: true, createdAt: '2026-01-01T00:00:00Z' });
    stubFetch(() => json(200, { exists: false }));
    expect(await getStreamKey('t0k', 'r1')).toEqual({ exists: false, createdAt: null });
    const fetchMock = stubFetch(() => new Response(null, { status: 204 }));
    await expect(stopRtmp('t0k', 'r1')).resolves.toBeUndefined();
    expect(fetchMock.mock.calls[0][1]?.method).toBe('DELETE');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('12', now)).toBe(12);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});
