// Signalling messages exchanged over `GET /ws` (one JSON object per text
// frame); see ARCHITECTURE.md "Signalling over WebSocket". The vocabulary
// (roles, codes, states) comes from ./wire.ts, which is generated from the
// server's Rust types; the messages this app sends are checked against the
// server's ClientMessage below, and what it receives is parsed defensively.

import type * as Wire from './wire';

/** The role a joiner asks for (the owner's role is given by the server). */
export type Role = Wire.AskedRole;

export type ErrorCode = Wire.ErrorCode;

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

/** Presenters, the owner and admins start or stop the room's recording. */
export interface RecordingControlMessage {
  type: 'recording';
  action: Wire.RecordingAction;
}

/** The room's owner or an admin makes someone a presenter, or a participant again. */
export interface SetRoleMessage {
  type: 'setRole';
  participantId: string;
  role: Wire.AssignedRole;
}

/** A size of the composite the server encodes; largest first in `joined`. */
export type RenditionName = 'high' | 'medium' | 'low';

/** `auto` lets the server choose by what the link carries; a name pins that size. */
export type RenditionChoice = 'auto' | RenditionName;

/** Pins the rendition this client receives, or hands the choice back to the server. */
export interface RenditionChoiceMessage {
  type: 'rendition';
  rendition: RenditionChoice;
}

/** Our own microphone and camera switches: the server marks our tile and shows a placeholder. */
export interface MediaStateMessage {
  type: 'media';
  audio: boolean;
  video: boolean;
}

/** Presenters, the owner and admins change the live room's layout. */
export interface LayoutChoiceMessage {
  type: 'layout';
  layout: string;
}

export type ClientMessage =
  | JoinMessage
  | LayoutChoiceMessage
  | MediaStateMessage
  | OfferMessage
  | IceMessage
  | LeaveMessage
  | RecordingControlMessage
  | SetRoleMessage
  | RenditionChoiceMessage;

/** Compiles only while every message this app sends is one the server's ClientMessage takes. */
export const SENT_MESSAGES_MATCH_THE_SERVER: ClientMessage extends Wire.ClientMessage ? true : never = true;

export interface Rendition {
  name: RenditionName;
  width: number;
  height: number;
}

export interface JoinedMessage {
  type: 'joined';
  participantId: string;
  room: string;
  /** The room's display name (guests cannot read the room itself). */
  roomName: string;
  /** The role the server gave: the owner's is `owner`. */
  role: Wire.Role;
  iceServers: RTCIceServer[];
  /** The sizes on offer, largest first; absent from servers that have only one. */
  renditions?: Rendition[];
}

export interface AnswerMessage {
  type: 'answer';
  sdp: string;
}

export interface RosterEntry {
  id: string;
  name: string;
  role: string;
  /** Microphone and camera on, as the member says; true from a server that does not say. */
  audio: boolean;
  video: boolean;
}

export interface RosterMessage {
  type: 'roster';
  participants: RosterEntry[];
  /** Viewers are only counted; 0 from a server that does not say. */
  viewers: number;
}

export interface ErrorMessage {
  type: 'error';
  code: ErrorCode | string;
  message: string;
}

/** Everyone is told when the room's recording starts and stops. */
export interface RecordingMessage {
  type: 'recording';
  state: Wire.RecordingState;
  recordingId: string;
}

export type RtmpBroadcastState = Wire.RtmpState;

/** What the room sends out (HLS, an RTMP push); on every change and after `joined` when something is on. */
export interface BroadcastMessage {
  type: 'broadcast';
  hls: boolean;
  rtmp: RtmpBroadcastState;
}

/** The rendition the server now sends this client (after the answer and on every move). */
export interface RenditionMessage {
  type: 'rendition';
  rendition: RenditionName;
  width: number;
  height: number;
  /** The client pinned it; false when the server chose. */
  pinned: boolean;
}

/** Who is speaking now, a few times a second at most. */
export interface SpeakingMessage {
  type: 'speaking';
  participantIds: string[];
}

/** The room's layout and its active speaker, after joining and on every change. */
export interface LayoutMessage {
  type: 'layout';
  layout: string;
  speakerId: string | null;
}

export type ServerMessage =
  | JoinedMessage
  | SpeakingMessage
  | LayoutMessage
  | AnswerMessage
  | IceMessage
  | RosterMessage
  | RecordingMessage
  | BroadcastMessage
  | RenditionMessage
  | ErrorMessage;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

function parseRosterEntry(v: unknown): RosterEntry | null {
  if (!isObject(v) || !isString(v.id) || !isString(v.name)) return null;
  return {
    id: v.id,
    name: v.name,
    role: isString(v.role) ? v.role : 'participant',
    audio: v.audio !== false,
    video: v.video !== false,
  };
}

const RENDITION_NAMES: readonly string[] = ['high', 'medium', 'low'];
const RTMP_STATES: readonly string[] = ['off', 'connecting', 'live', 'retrying'];
const isRenditionName = (v: unknown): v is RenditionName => isString(v) && RENDITION_NAMES.includes(v);
const isDimension = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 16384;

function parseRendition(v: unknown): Rendition | null {
  if (!isObject(v) || !isRenditionName(v.name) || !isDimension(v.width) || !isDimension(v.height)) return null;
  return { name: v.name, width: v.width, height: v.height };
}

/** Undefined when the server sent no list (or nothing usable in it): then there is nothing to choose. */
function parseRenditions(v: unknown): Rendition[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const seen = new Set<string>();
  const list = v.map(parseRendition).filter((r): r is Rendition => r !== null && !seen.has(r.name) && !!seen.add(r.name));
  return list.length > 0 ? list : undefined;
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
        roomName: isString(v.roomName) ? v.roomName : '',
        role: (isString(v.role) ? v.role : 'participant') as Wire.Role,
        iceServers: Array.isArray(v.iceServers) ? (v.iceServers.filter(isObject) as unknown as RTCIceServer[]) : [],
        ...withRenditions(parseRenditions(v.renditions)),
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
      const viewers = typeof v.viewers === 'number' && v.viewers >= 0 ? v.viewers : 0;
      return { type: 'roster', participants, viewers };
    }
    case 'recording':
      if ((v.state !== 'started' && v.state !== 'stopped') || !isString(v.recordingId)) return null;
      return { type: 'recording', state: v.state, recordingId: v.recordingId };
    case 'broadcast':
      if (typeof v.hls !== 'boolean' || !isString(v.rtmp) || !RTMP_STATES.includes(v.rtmp)) return null;
      return { type: 'broadcast', hls: v.hls, rtmp: v.rtmp as RtmpBroadcastState };
    case 'rendition':
      if (!isRenditionName(v.rendition) || !isDimension(v.width) || !isDimension(v.height)) return null;
      return { type: 'rendition', rendition: v.rendition, width: v.width, height: v.height, pinned: v.pinned === true };
    case 'speaking':
      if (!Array.isArray(v.participantIds)) return null;
      return { type: 'speaking', participantIds: v.participantIds.filter(isString) };
    case 'layout':
      if (!isString(v.layout)) return null;
      return { type: 'layout', layout: v.layout, speakerId: isString(v.speakerId) ? v.speakerId : null };
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

/** Leaves the key out when there is no list, so old servers' `joined` reads as before. */
const withRenditions = (renditions: Rendition[] | undefined) => (renditions ? { renditions } : {});

/** The session (or invite) token was refused: the user has to sign in again or get a new link. */
export const isAuthError = (code: string): boolean => code === 'unauthorized' || code === 'expired';

/**
 * Says in plain words why a join was refused. `guest` is a join with an
 * invite token rather than a signed-in session. Codes without a sentence of
 * their own keep the server's message.
 */
export function describeJoinError(code: string, message: string, guest: boolean): string {
  switch (code) {
    case 'unauthorized':
      return guest
        ? 'This invite link is not valid (it may have been withdrawn). Ask for a new one.'
        : 'You are not signed in. Sign in again.';
    case 'expired':
      return guest ? 'This invite link has expired. Ask for a new one.' : 'Your session has expired. Sign in again.';
    case 'forbidden':
      return 'You are not allowed to join this room. A private room needs an invite from its owner.';
    case 'not_found':
      return 'There is no room with this id. Check the id or the link.';
    case 'room_full':
      return 'The room is full. Try again when someone has left.';
    case 'conflict':
      return 'You joined this room from another tab or device, so this one was disconnected.';
    case 'overloaded':
      return 'The room is restarting. Try again in a moment.';
    default:
      return message;
  }
}
