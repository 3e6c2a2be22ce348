// Generated from the server's Rust types (src/signalling/typescript.rs); do not
// edit. After a protocol change: CONNECT_RIGHT_WRITE_TS=1 cargo test --lib typescript

export type Role = "owner" | "presenter" | "participant" | "viewer";

export type AskedRole = "presenter" | "participant" | "viewer";

export type AssignedRole = "presenter" | "participant";

export type ErrorCode = "bad_request" | "unauthorized" | "expired" | "forbidden" | "not_found" | "room_full" | "conflict" | "too_large" | "rate_limited" | "unsupported" | "overloaded" | "internal";

export type IceServer = { urls: Array<string>, };

export type Rendition = { name: string, width: number, height: number, };

export type RosterEntry = { id: string, name: string, role: Role, 
/**
 * The member's microphone is on (as its client says).
 */
audio: boolean, 
/**
 * The member's camera is on (as its client says, and its pictures arrive).
 */
video: boolean, };

export type RecordingState = "started" | "stopped";

export type RecordingAction = "start" | "stop";

export type RtmpState = "off" | "connecting" | "live" | "retrying";

export type Layout = string;

export type ClientMessage = { "type": "join", room: string, name: string, 
/**
 * Participant when absent.
 */
role?: AskedRole, 
/**
 * Session or invite token; until accounts exist, an opaque key naming the client so
 * that a reconnect replaces its old connection.
 */
token?: string, } | { "type": "offer", sdp: string, } | { "type": "ice", candidate: string, sdpMLineIndex: number, } | { "type": "leave" } | { "type": "setRole", participantId: string, role: AssignedRole, } | { "type": "recording", action: RecordingAction, } | { "type": "media", audio: boolean, video: boolean, } | { "type": "layout", layout: string, } | { "type": "rendition", rendition: string, };

export type ServerMessage = { "type": "joined", participantId: string, room: string, 
/**
 * The room's display name (a guest cannot read the room itself).
 */
roomName: string, role: Role, iceServers: Array<IceServer>, 
/**
 * The sizes of the composite this room offers, largest first.
 */
renditions: Array<Rendition>, } | { "type": "answer", sdp: string, } | { "type": "ice", candidate: string, sdpMLineIndex: number, } | { "type": "roster", participants: Array<RosterEntry>, viewers: number, } | { "type": "rendition", rendition: string, width: number, height: number, pinned: boolean, } | { "type": "recording", state: RecordingState, recordingId: string, } | { "type": "broadcast", hls: boolean, rtmp: RtmpState, } | { "type": "speaking", participantIds: Array<string>, } | { "type": "layout", layout: Layout, speakerId: string | null, } | { "type": "error", code: ErrorCode, message: string, };
