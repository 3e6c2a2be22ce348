// Signalling messages exchanged over `GET /ws` (one JSON object per text
// frame). Mirrors the server's ClientMessage / ServerMessage enums; see
// ARCHITECTURE.md "Signalling over WebSocket".

export type Role = 'presenter' | 'participant' | 'viewer';

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'expired'
  | 'forbidden'
  | 'not_found'
  | 'room_full'
  | 'conflict'
  | 'too_large'
  | 'rate_limited'
  | 'unsupported'
  | 'overloaded'
  | 'internal';

export interface JoinMessage {
  type: 'join';
  room: string;
  name: string;
  role: Role;
  token?: string;
}

export interface OfferMessage {
  type: 'offer';
  sdp: string;
}

export interface IceMessage {
  type: 'ice';
  candidate: string;
  sdpMLineIndex: number;
}

export interface LeaveMessage {
  type: 'leave';
}

export type ClientMessage = JoinMessage | OfferMessage | IceMessage | LeaveMessage;

export interface JoinedMessage {
  type: 'joined';
  participantId: string;
  room: string;
  role: Role;
  iceServers: RTCIceServer[];
}

export interface AnswerMessage {
  type: 'answer';
  sdp: string;
}

export interface RosterEntry {
  id: string;
  name: string;
  role: string;
}

export interface RosterMessage {
  type: 'roster';
  participants: RosterEntry[];
}

export interface ErrorMessage {
  type: 'error';
  code: ErrorCode | string;
  message: string;
}

export type ServerMessage = JoinedMessage | AnswerMessage | IceMessage | RosterMessage | ErrorMessage;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

function parseRosterEntry(v: unknown): RosterEntry | null {
  if (!isObject(v) || !isString(v.id) || !isString(v.name)) return null;
  return { id: v.id, name: v.name, role: isString(v.role) ? v.role : 'participant' };
}

/**
 * Parses one text frame from the server. Returns null for anything that is
 * not a well-formed message this client understands: the protocol lets the
 * server add message types and fields, and an old client must skip them
 * rather than fail.
 */
export function parseServerMessage(text: string): ServerMessage | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(v)) return null;
  switch (v.type) {
    case 'joined':
      if (!isString(v.participantId)) return null;
      return {
        type: 'joined',
        participantId: v.participantId,
        room: isString(v.room) ? v.room : '',
        role: (isString(v.role) ? v.role : 'participant') as Role,
        iceServers: Array.isArray(v.iceServers) ? (v.iceServers.filter(isObject) as unknown as RTCIceServer[]) : [],
      };
    case 'answer':
      return isString(v.sdp) ? { type: 'answer', sdp: v.sdp } : null;
    case 'ice':
      if (!isString(v.candidate)) return null;
      return {
        type: 'ice',
        candidate: v.candidate,
        sdpMLineIndex: typeof v.sdpMLineIndex === 'number' ? v.sdpMLineIndex : 0,
      };
    case 'roster': {
      if (!Array.isArray(v.participants)) return null;
      const participants = v.participants.map(parseRosterEntry).filter((p): p is RosterEntry => p !== null);
      return { type: 'roster', participants };
    }
    case 'error':
      return {
        type: 'error',
        code: isString(v.code) ? v.code : 'internal',
        message: isString(v.message) && v.message !== '' ? v.message : 'The server refused the request',
      };
    default:
      return null;
  }
}
