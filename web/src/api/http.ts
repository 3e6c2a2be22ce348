// The JSON API under `/api` (ARCHITECTURE.md "HTTP API"). Every call goes
// through `request`, so errors reach the UI in one shape: an ApiError with the
// server's code and message.

export type AccountRole = 'admin' | 'member';

export interface User {
  id: string;
  username: string;
  role: AccountRole;
  disabled: boolean;
  createdAt: string;
}

export interface LoginResult {
  token: string;
  user: User;
  /** RFC 3339. */
  expiresAt: string;
}

/** A layout's name (`GET /api/layouts`): grid, speaker, presenter, pip, single and the operator's. */
export type Layout = string;

/** One layout the server has. */
export interface LayoutInfo {
  name: Layout;
  description: string;
  builtIn: boolean;
}

export interface Room {
  id: string;
  name: string;
  ownerId: string;
  maxParticipants: number;
  layout: Layout;
  autoRecord: boolean;
  listed: boolean;
  createdAt: string;
}

export interface NewRoom {
  name: string;
  maxParticipants?: number;
  layout?: Layout;
  autoRecord?: boolean;
  listed?: boolean;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export type InviteRole = 'participant' | 'viewer';

export interface Invite {
  id: string;
  roomId: string;
  role: InviteRole;
  token: string;
  createdAt: string;
}

export type RecordingStatus = 'recording' | 'finalizing' | 'ready' | 'recovered' | 'failed';

export interface Recording {
  id: string;
  roomId: string;
  roomName: string;
  startedBy: string | null;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  bytes: number | null;
  status: RecordingStatus;
  error: string | null;
}

/** `GET /api/recordings` filters; dates are RFC 3339. */
export interface RecordingFilter {
  room?: string;
  from?: string;
  to?: string;
}

export interface SignedLink {
  url: string;
  expiresAt: string;
}

export interface UserChange {
  role?: AccountRole;
  disabled?: boolean;
}

/** `network` when the server could not be reached, `bad_response` when its reply made no sense. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds to wait, from `Retry-After` on a 429. */
  readonly retryAfter: number | null;

  constructor(status: number, code: string, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

const isUser = (v: unknown): v is User => isObject(v) && isString(v.id) && isString(v.username);
const isLoginResult = (v: unknown): v is LoginResult => isObject(v) && isString(v.token) && isUser(v.user);
const isRoom = (v: unknown): v is Room => isObject(v) && isString(v.id) && isString(v.name);
const isRoomPage = (v: unknown): v is Page<Room> => isObject(v) && Array.isArray(v.items) && v.items.every(isRoom);
const isInvite = (v: unknown): v is Invite => isObject(v) && isString(v.token) && isString(v.roomId);
const isRecording = (v: unknown): v is Recording =>
  isObject(v) && isString(v.id) && isString(v.roomId) && isString(v.status) && isString(v.startedAt);
const isPageOf =
  <T>(item: (v: unknown) => v is T) =>
  (v: unknown): v is Page<T> =>
    isObject(v) && Array.isArray(v.items) && v.items.every(item) && (v.next === null || isString(v.next) || v.next === undefined);
const isRecordingPage = isPageOf(isRecording);
const isLayoutInfo = (v: unknown): v is LayoutInfo => isObject(v) && isString(v.name) && isString(v.description);
const isLayoutPage = isPageOf(isLayoutInfo);
const isUserPage = isPageOf(isUser);
const isSignedLink = (v: unknown): v is SignedLink => isObject(v) && isString(v.url);

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  429: 'rate_limited',
  503: 'overloaded',
};

const DEFAULT_MESSAGE: Record<string, string> = {
  bad_request: 'The server did not accept the request.',
  unauthorized: 'You are not signed in.',
  expired: 'Your session has expired.',
  forbidden: 'You are not allowed to do that.',
  not_found: 'Not found.',
  conflict: 'That already exists.',
  rate_limited: 'Too many attempts.',
  overloaded: 'The server is busy; try again shortly.',
};

/** `Retry-After` is either whole seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** Reads a non-2xx reply: the `{error, message}` body if there is one, else what the status implies. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // A proxy's HTML error page, or no body at all.
  }
  const fallbackCode = CODE_BY_STATUS[response.status] ?? (response.status >= 500 ? 'internal' : 'bad_request');
  const code = isObject(body) && isString(body.error) && body.error !== '' ? body.error : fallbackCode;
  const message =
    isObject(body) && isString(body.message) && body.message.trim() !== ''
      ? body.message
      : (DEFAULT_MESSAGE[code] ?? `The server answered ${response.status}.`);
  const retryAfter = response.status === 429 ? parseRetryAfter(response.headers.get('Retry-After')) : null;
  return new ApiError(response.status, code, message, retryAfter);
}

interface RequestOptions {
  body?: unknown;
  token?: string;
}

async function send(method: string, path: string, { body, token }: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Could not reach the server. Check the connection and try again.');
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

async function request<T>(method: string, path: string, check: (v: unknown) => v is T, options: RequestOptions = {}) {
  return requestParsed(method, path, (v) => (check(v) ? v : null), options);
}

/** `request` for replies that are normalised on the way in rather than only checked. */
async function requestParsed<T>(method: string, path: string, parse: (v: unknown) => T | null, options: RequestOptions = {}) {
  const response = await send(method, path, options);
  let value: unknown;
  try {
    value = await response.json();
  } catch {
    value = undefined;
  }
  const parsed = parse(value);
  if (parsed === null) throw new ApiError(response.status, 'bad_response', 'The server sent a reply this page does not understand.');
  return parsed;
}

export const register = (username: string, password: string) =>
  request('POST', '/api/auth/register', isUser, { body: { username, password } });

export const login = (username: string, password: string) =>
  request('POST', '/api/auth/login', isLoginResult, { body: { username, password } });

export const logout = async (token: string): Promise<void> => {
  await send('POST', '/api/auth/logout', { token });
};

export const me = (token: string) => request('GET', '/api/me', isUser, { token });

export const createRoom = (token: string, room: NewRoom) =>
  request('POST', '/api/rooms', isRoom, { token, body: room });

/** `?cursor=` continues a list where the previous page's `next` left off. */
function withQuery(path: string, params: Record<string, string | undefined | null>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

export const listRooms = (token: string, cursor?: string | null) =>
  request('GET', withQuery('/api/rooms', { cursor }), isRoomPage, { token });

export const updateRoom = (token: string, id: string, settings: Partial<NewRoom>) =>
  request('PATCH', `/api/rooms/${encodeURIComponent(id)}`, isRoom, { token, body: settings });

export const deleteRoom = async (token: string, id: string): Promise<void> => {
  await send('DELETE', `/api/rooms/${encodeURIComponent(id)}`, { token });
};

export const listRecordings = (token: string, filter: RecordingFilter = {}, cursor?: string | null) =>
  request('GET', withQuery('/api/recordings', { ...filter, cursor }), isRecordingPage, { token });

export const getRecording = (token: string, id: string) =>
  request('GET', `/api/recordings/${encodeURIComponent(id)}`, isRecording, { token });

/** A signed, short-lived URL that a `<video>` element or a download can use without the bearer header. */
export const recordingLink = (token: string, id: string) =>
  request('POST', `/api/recordings/${encodeURIComponent(id)}/link`, isSignedLink, { token });

export const deleteRecording = async (token: string, id: string): Promise<void> => {
  await send('DELETE', `/api/recordings/${encodeURIComponent(id)}`, { token });
};

export const listUsers = (token: string, cursor?: string | null) =>
  request('GET', withQuery('/api/users', { cursor }), isUserPage, { token });

export const updateUser = (token: string, id: string, change: UserChange) =>
  request('PATCH', `/api/users/${encodeURIComponent(id)}`, isUser, { token, body: change });

/** `GET /api/layouts`: the layouts a room can use. */
export const listLayouts = async (token: string): Promise<LayoutInfo[]> =>
  (await request('GET', '/api/layouts', isLayoutPage, { token })).items;

export const getRoom = (token: string, id: string) =>
  request('GET', `/api/rooms/${encodeURIComponent(id)}`, isRoom, { token });

export const createInvite = (token: string, roomId: string, role: InviteRole = 'participant') =>
  request('POST', `/api/rooms/${encodeURIComponent(roomId)}/invites`, isInvite, { token, body: { role } });

// ── Broadcasting: the room's stream key (WHIP), HLS and RTMP push ──

/** `POST /api/rooms/{id}/stream-key`: the key is in this reply only. */
export interface StreamKey {
  key: string;
  createdAt: string;
}

/** `GET /api/rooms/{id}/stream-key`: whether the room has a key, never the key. */
export interface StreamKeyState {
  exists: boolean;
  createdAt: string | null;
}

export interface HlsState {
  active: boolean;
  startedAt: string | null;
}

/** `POST /api/rooms/{id}/hls` also hands out the first signed playlist link. */
export interface HlsStarted extends HlsState {
  playlist: SignedLink | null;
}

export type RtmpPhase = 'connecting' | 'live' | 'retrying';

export interface RtmpState {
  active: boolean;
  /** Null while no push runs. */
  state: RtmpPhase | null;
  /** The address pushed to, with its stream key redacted by the server. */
  target: string | null;
  attempts: number;
  lastError: string | null;
  /** While `retrying`: how long until the next attempt. */
  retryInMs: number | null;
}

const RTMP_PHASES: readonly string[] = ['connecting', 'live', 'retrying'];
const optionalString = (v: unknown): string | null => (isString(v) && v !== '' ? v : null);
const optionalNumber = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);

export function parseStreamKeyState(v: unknown): StreamKeyState | null {
  if (!isObject(v) || typeof v.exists !== 'boolean') return null;
  return { exists: v.exists, createdAt: v.exists ? optionalString(v.createdAt) : null };
}

export function parseHlsState(v: unknown): HlsStarted | null {
  if (!isObject(v) || typeof v.active !== 'boolean') return null;
  return {
    active: v.active,
    startedAt: optionalString(v.startedAt),
    playlist: isSignedLink(v.playlist) ? { url: v.playlist.url, expiresAt: String(v.playlist.expiresAt ?? '') } : null,
  };
}

/** Lenient about what an idle push leaves out (`{"active": false}` is enough). */
export function parseRtmpState(v: unknown): RtmpState | null {
  if (!isObject(v) || typeof v.active !== 'boolean') return null;
  const state = isString(v.state) && RTMP_PHASES.includes(v.state) ? (v.state as RtmpPhase) : null;
  return {
    active: v.active,
    state: v.active ? (state ?? 'connecting') : null,
    target: optionalString(v.target),
    attempts: optionalNumber(v.attempts) ?? 0,
    lastError: optionalString(v.lastError),
    retryInMs: optionalNumber(v.retryInMs),
  };
}

const roomPath = (roomId: string, rest: string) => `/api/rooms/${encodeURIComponent(roomId)}/${rest}`;
const isStreamKey = (v: unknown): v is StreamKey => isObject(v) && isString(v.key) && v.key !== '';

/** Makes a new stream key, replacing (and disabling) the room's previous one. */
export const createStreamKey = (token: string, roomId: string) =>
  request('POST', roomPath(roomId, 'stream-key'), isStreamKey, { token });

export const getStreamKey = (token: string, roomId: string) =>
  requestParsed('GET', roomPath(roomId, 'stream-key'), parseStreamKeyState, { token });

export const deleteStreamKey = async (token: string, roomId: string): Promise<void> => {
  await send('DELETE', roomPath(roomId, 'stream-key'), { token });
};

export const startHls = (token: string, roomId: string) => requestParsed('POST', roomPath(roomId, 'hls'), parseHlsState, { token });

export const getHls = (token: string, roomId: string) => requestParsed('GET', roomPath(roomId, 'hls'), parseHlsState, { token });

/** A fresh signed playlist URL (relative to the server), valid for minutes. */
export const hlsLink = (token: string, roomId: string) => request('POST', roomPath(roomId, 'hls/link'), isSignedLink, { token });

export const stopHls = async (token: string, roomId: string): Promise<void> => {
  await send('DELETE', roomPath(roomId, 'hls'), { token });
};

/** `url` is `rtmp://host/app/streamkey` (or `rtmps://`). */
export const startRtmp = (token: string, roomId: string, url: string) =>
  requestParsed('POST', roomPath(roomId, 'rtmp'), parseRtmpState, { token, body: { url } });

export const getRtmp = (token: string, roomId: string) => requestParsed('GET', roomPath(roomId, 'rtmp'), parseRtmpState, { token });

export const stopRtmp = async (token: string, roomId: string): Promise<void> => {
  await send('DELETE', roomPath(roomId, 'rtmp'), { token });
};
