import { useCallback, useEffect, useRef, useState } from 'react';
import {
  describeJoinError,
  isAuthError,
  type Rendition,
  type RenditionChoice,
  type RenditionName,
  type Role,
  type RosterEntry,
  type RtmpBroadcastState,
  type ServerMessage,
} from '../api/protocol';
import { openBrowserSignalling, type OpenSignalling, type SignallingChannel } from '../api/signalling';
import { ICE_DISCONNECTED_GRACE_MS, isFinalRefusal, MAX_RECONNECT_ATTEMPTS, reconnectDelay } from '../lib/reconnect';

export type ConnectionPhase = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface RoomConnectionParams {
  room: string;
  name: string;
  role: Role;
  /** Our camera and microphone; null for a viewer, who only receives. */
  localStream: MediaStream | null;
  /** The session token of a signed-in user, or a guest's invite token. */
  token: string;
  guest: boolean;
  /** The server refused the token (`unauthorized` / `expired`); the message says so in plain words. */
  onAuthFailed: (message: string) => void;
}

/** What the hook creates; tests replace them with fakes. */
export interface RoomConnectionDeps {
  openSignalling: OpenSignalling;
  createPeerConnection: (config: RTCConfiguration) => RTCPeerConnection;
}

const browserDeps: RoomConnectionDeps = {
  openSignalling: openBrowserSignalling,
  createPeerConnection: (config) => new RTCPeerConnection(config),
};

/** What the room sends out, as the server last said. */
export interface BroadcastState {
  hls: boolean;
  rtmp: RtmpBroadcastState;
}

export const NO_BROADCAST: BroadcastState = { hls: false, rtmp: 'off' };

/** The rendition we receive now. */
export interface CurrentRendition {
  name: RenditionName;
  width: number;
  height: number;
  /** We pinned it (rather than the server choosing by our link). */
  pinned: boolean;
}

export interface RoomConnection {
  /** What the status line shows: the phase, or why the server refused us. */
  status: string;
  phase: ConnectionPhase;
  /** Why the call ended or could not start. */
  error: string | null;
  /** A refused request during the call (the call goes on); cleared by `dismissNotice`. */
  notice: string | null;
  dismissNotice: () => void;
  /** 1, 2, … while reconnecting. */
  reconnectAttempt: number;
  /** Bumped each time a lost connection came back, so the page can say so. */
  reconnections: number;
  roster: RosterEntry[];
  viewers: number;
  /** Who is speaking now, as the server last said. */
  speaking: string[];
  /** The room's active speaker (shown large in the speaker layouts); null until someone speaks. */
  activeSpeaker: string | null;
  /** The room's layout as the server last said; null until it says. */
  layout: string | null;
  /** Presenters, the owner and admins change the live room's layout. */
  changeLayout: (layout: string) => void;
  /** Tells the room our microphone and camera switches (sent again after every join). */
  tellMediaState: (audio: boolean, video: boolean) => void;
  selfId: string | null;
  /** The room's display name, as the server told us on joining ('' until then). */
  roomName: string;
  /** Our role in the room: the roster's (`owner` included) or, until it arrives, the join's. */
  selfRole: string | null;
  /** The composite: every received track in one stream. */
  remoteStream: MediaStream | null;
  /** Changes whenever a track is added to remoteStream, so views re-attach it. */
  remoteTrackCount: number;
  /** The room is being recorded (the server tells everyone when it starts and stops). */
  recording: boolean;
  controlRecording: (action: 'start' | 'stop') => void;
  /** HLS and RTMP as the server last told (everyone in the room is told). */
  broadcast: BroadcastState;
  /** The sizes of the composite on offer, largest first; null when the server offers no choice. */
  renditions: Rendition[] | null;
  /** What the server sends us now; null until it says. */
  rendition: CurrentRendition | null;
  /** What we asked for ('auto' until the user picks); sent again after a reconnect. */
  renditionChoice: RenditionChoice;
  chooseRendition: (choice: RenditionChoice) => void;
  setRole: (participantId: string, role: 'presenter' | 'participant') => void;
  /** The statistics of the current peer connection, for the quality indicator. */
  getStats: () => Promise<RTCStatsReport | null>;
  /** Tries again at once (after giving up, or instead of waiting). */
  reconnectNow: () => void;
  leave: () => void;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One socket and one peer connection; a reconnect makes a new one. */
interface Attempt {
  signalling: SignallingChannel | null;
  pc: RTCPeerConnection | null;
  joined: boolean;
  offerSent: boolean;
  answerApplied: boolean;
  // Candidates can race the SDP in both directions; hold them until the
  // description they belong to has been sent or applied.
  localIce: RTCIceCandidate[];
  remoteIce: RTCIceCandidateInit[];
  // Messages are handled strictly in arrival order even though some steps are async.
  queue: Promise<void>;
  iceGraceTimer: ReturnType<typeof setTimeout> | null;
  over: boolean;
}

/**
 * Joins a room over signalling and runs the RTCPeerConnection that sends our
 * camera and microphone and receives the room's composite. A lost socket or
 * a failed peer connection is replaced by a new join with the same token,
 * which the server treats as the same member coming back. All WebRTC logic of
 * the app lives here.
 */
export function useRoomConnection(params: RoomConnectionParams, deps: RoomConnectionDeps = browserDeps): RoomConnection {
  const { room, name, role, localStream, token, guest } = params;
  const [phase, setPhase] = useState<ConnectionPhase>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reconnectAttempt, setReconnectAttempt] = useState(0);
  const [reconnections, setReconnections] = useState(0);
  const [roster, setRoster] = useState<RosterEntry[]>([]);
  const [speaking, setSpeaking] = useState<string[]>([]);
  const [activeSpeaker, setActiveSpeaker] = useState<string | null>(null);
  const [layout, setLayout] = useState<string | null>(null);
  const [viewers, setViewers] = useState(0);
  const [selfId, setSelfId] = useState<string | null>(null);
  const [roomName, setRoomName] = useState('');
  const [joinedRole, setJoinedRole] = useState<string | null>(null);
  const [remoteStream, setRemoteStream] = useState<MediaStream | null>(null);
  const [remoteTrackCount, setRemoteTrackCount] = useState(0);
  const [recording, setRecording] = useState(false);
  const [broadcast, setBroadcast] = useState<BroadcastState>(NO_BROADCAST);
  const [renditions, setRenditions] = useState<Rendition[] | null>(null);
  const [rendition, setRendition] = useState<CurrentRendition | null>(null);
  const [renditionChoice, setRenditionChoice] = useState<RenditionChoice>('auto');
  // Read by the connection effect, which must not restart when the choice changes.
  const renditionChoiceRef = useRef<RenditionChoice>('auto');

  const currentRef = useRef<Attempt | null>(null);
  const reconnectNowRef = useRef<() => void>(() => {});
  const leaveRef = useRef<() => void>(() => {});
  // Read through refs so that new callbacks or deps from the parent do not rejoin.
  const onAuthFailedRef = useRef(params.onAuthFailed);
  useEffect(() => {
    onAuthFailedRef.current = params.onAuthFailed;
  }, [params.onAuthFailed]);
  const depsRef = useRef(deps);

  useEffect(() => {
    const { openSignalling, createPeerConnection } = depsRef.current;
    let disposed = false;
    let failures = 0;
    let everJoined = false;
    // Why the server turned down a join it then hung up on, to say instead of "unreachable".
    let refusal: string | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;

    const endAttempt = (a: Attempt) => {
      if (a.over) return;
      a.over = true;
      if (a.iceGraceTimer) clearTimeout(a.iceGraceTimer);
      a.pc?.close();
      a.signalling?.close();
    };

    const stop = (message: string | null) => {
      disposed = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (currentRef.current) endAttempt(currentRef.current);
      if (message !== null) setError(message);
      setPhase('disconnected');
    };

    /** The socket or the media path of `a` died without being asked to. */
    const lost = (a: Attempt) => {
      if (disposed || a !== currentRef.current || a.over) return;
      endAttempt(a);
      if (!everJoined) {
        stop(refusal ?? 'Could not reach the server. Check the connection and try again.');
        return;
      }
      if (failures >= MAX_RECONNECT_ATTEMPTS) {
        setError('The connection was lost and could not be restored. Check the network, then rejoin.');
        setPhase('disconnected');
        return;
      }
      failures += 1;
      setReconnectAttempt(failures);
      setPhase('reconnecting');
      retryTimer = setTimeout(connect, reconnectDelay(failures));
    };

    const startCall = async (a: Attempt, iceServers: RTCIceServer[]) => {
      const pc = createPeerConnection({ iceServers, bundlePolicy: 'max-bundle' });
      a.pc = pc;
      const sendIce = (c: RTCIceCandidate) =>
        a.signalling?.send({ type: 'ice', candidate: c.candidate, sdpMLineIndex: c.sdpMLineIndex ?? 0 });
      pc.onicecandidate = (e) => {
        if (!e.candidate || !e.candidate.candidate) return;
        if (a.offerSent) sendIce(e.candidate);
        else a.localIce.push(e.candidate);
      };
      // Each attempt gets a fresh stream, so the views attach the new tracks.
      const received = new MediaStream();
      pc.ontrack = (e) => {
        if (a.over) return;
        received.addTrack(e.track);
        setRemoteStream(received);
        setRemoteTrackCount(received.getTracks().length);
      };
      pc.onconnectionstatechange = () => {
        if (a.over || disposed) return;
        const state = pc.connectionState;
        if (state === 'connected') {
          if (a.iceGraceTimer) clearTimeout(a.iceGraceTimer);
          a.iceGraceTimer = null;
          if (failures > 0) setReconnections((n) => n + 1);
          failures = 0;
          setReconnectAttempt(0);
          setError(null);
          setPhase('connected');
        } else if (state === 'failed') {
          lost(a);
        } else if (state === 'disconnected' && !a.iceGraceTimer) {
          // ICE may heal by itself; give it a moment before starting over.
          a.iceGraceTimer = setTimeout(() => {
            a.iceGraceTimer = null;
            if (pc.connectionState !== 'connected') lost(a);
          }, ICE_DISCONNECTED_GRACE_MS);
        }
      };
      if (localStream) {
        // Audio first, then video: addTrack makes both m-lines sendrecv, and
        // the server takes the order from the offer.
        for (const track of [...localStream.getAudioTracks(), ...localStream.getVideoTracks()]) {
          pc.addTrack(track, localStream);
        }
        // Audio only (no camera): still receive the room's picture.
        if (localStream.getVideoTracks().length === 0) pc.addTransceiver('video', { direction: 'recvonly' });
      } else {
        // A viewer receives the composite and the full mix and sends nothing.
        pc.addTransceiver('audio', { direction: 'recvonly' });
        pc.addTransceiver('video', { direction: 'recvonly' });
      }
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      if (a.over || !pc.localDescription) return;
      a.signalling?.send({ type: 'offer', sdp: pc.localDescription.sdp });
      a.offerSent = true;
      a.localIce.splice(0).forEach(sendIce);
    };

    const addRemoteIce = (a: Attempt, init: RTCIceCandidateInit) =>
      a.pc?.addIceCandidate(init).catch((err) => console.warn('addIceCandidate failed', init, err));

    const handle = async (a: Attempt, msg: ServerMessage) => {
      if (a.over || disposed) return;
      switch (msg.type) {
        case 'joined':
          a.joined = true;
          everJoined = true;
          setSelfId(msg.participantId);
          setRoomName(msg.roomName);
          setJoinedRole(msg.role);
          // A (re)join starts from nothing: the server repeats what is on right after `joined`.
          setBroadcast(NO_BROADCAST);
          setRenditions(msg.renditions ?? null);
          setRendition(null);
          // A (re)join starts with everything on: say what is off.
          if (mediaStateRef.current) a.signalling?.send({ type: 'media', ...mediaStateRef.current });
          if (!a.pc) await startCall(a, msg.iceServers);
          break;
        case 'answer':
          if (!a.pc) return;
          await a.pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
          a.answerApplied = true;
          for (const init of a.remoteIce.splice(0)) await addRemoteIce(a, init);
          // A pin does not outlive the connection it was sent on.
          if (renditionChoiceRef.current !== 'auto') {
            a.signalling?.send({ type: 'rendition', rendition: renditionChoiceRef.current });
          }
          break;
        case 'ice': {
          const init = { candidate: msg.candidate, sdpMLineIndex: msg.sdpMLineIndex };
          if (a.answerApplied) await addRemoteIce(a, init);
          else a.remoteIce.push(init);
          break;
        }
        case 'roster':
          setRoster(msg.participants);
          setViewers(msg.viewers);
          break;
        case 'speaking':
          setSpeaking(msg.participantIds);
          break;
        case 'layout':
          setLayout(msg.layout);
          setActiveSpeaker(msg.speakerId);
          break;
        case 'recording':
          setRecording(msg.state === 'started');
          break;
        case 'broadcast':
          setBroadcast({ hls: msg.hls, rtmp: msg.rtmp });
          break;
        case 'rendition':
          setRendition({ name: msg.rendition, width: msg.width, height: msg.height, pinned: msg.pinned });
          break;
        case 'error': {
          const text = describeJoinError(msg.code, msg.message, guest);
          if (isAuthError(msg.code)) {
            stop(text);
            onAuthFailedRef.current(text);
          } else if (!a.joined && isFinalRefusal(msg.code)) {
            stop(text);
          } else if (a.joined && (msg.code === 'conflict' || msg.code === 'not_found')) {
            // Replaced by a newer connection of ours, or the room was deleted:
            // the server closes the socket, and coming back would be wrong.
            stop(text);
          } else if (a.joined) {
            // A refused request (say, recording without the right); the call goes on.
            setNotice(msg.message);
          } else {
            refusal = text;
            setError(text);
          }
          break;
        }
      }
    };

    function connect() {
      retryTimer = null;
      if (disposed) return;
      const a: Attempt = {
        signalling: null,
        pc: null,
        joined: false,
        offerSent: false,
        answerApplied: false,
        localIce: [],
        remoteIce: [],
        queue: Promise.resolve(),
        iceGraceTimer: null,
        over: false,
      };
      currentRef.current = a;
      a.signalling = openSignalling({
        onOpen: () => a.signalling?.send({ type: 'join', room, name, role, token }),
        onMessage: (msg) => {
          a.queue = a.queue
            .then(() => handle(a, msg))
            .catch((err) => {
              if (a.over || disposed) return;
              console.warn('call setup failed', err);
              if (everJoined) lost(a);
              else stop(`Could not set up the call: ${errorText(err)}`);
            });
        },
        onClose: () => lost(a),
      });
    }

    reconnectNowRef.current = () => {
      if (currentRef.current) endAttempt(currentRef.current);
      if (retryTimer) clearTimeout(retryTimer);
      disposed = false;
      failures = Math.max(1, failures);
      setError(null);
      setPhase('reconnecting');
      connect();
    };

    leaveRef.current = () => {
      const a = currentRef.current;
      if (a && !a.over && a.joined) a.signalling?.send({ type: 'leave' });
      stop(null);
    };

    setPhase('connecting');
    setError(null);
    connect();
    return () => stop(null);
  }, [room, name, role, localStream, token, guest]);

  const leave = useCallback(() => leaveRef.current(), []);
  const reconnectNow = useCallback(() => reconnectNowRef.current(), []);
  const controlRecording = useCallback((action: 'start' | 'stop') => {
    currentRef.current?.signalling?.send({ type: 'recording', action });
  }, []);
  const setRole = useCallback((participantId: string, next: 'presenter' | 'participant') => {
    currentRef.current?.signalling?.send({ type: 'setRole', participantId, role: next });
  }, []);
  const mediaStateRef = useRef<{ audio: boolean; video: boolean } | null>(null);
  const tellMediaState = useCallback((audio: boolean, video: boolean) => {
    mediaStateRef.current = { audio, video };
    const a = currentRef.current;
    if (a && !a.over && a.joined) a.signalling?.send({ type: 'media', audio, video });
  }, []);
  const changeLayout = useCallback((next: string) => {
    currentRef.current?.signalling?.send({ type: 'layout', layout: next });
  }, []);
  const chooseRendition = useCallback((choice: RenditionChoice) => {
    renditionChoiceRef.current = choice;
    setRenditionChoice(choice);
    // Before the answer there is nothing to switch yet; the answer handler sends it then.
    const a = currentRef.current;
    if (a && !a.over && a.answerApplied) a.signalling?.send({ type: 'rendition', rendition: choice });
  }, []);
  const getStats = useCallback(async () => {
    const pc = currentRef.current?.pc;
    return pc && pc.connectionState !== 'closed' ? pc.getStats() : null;
  }, []);
  const dismissNotice = useCallback(() => setNotice(null), []);

  // An error that arrives while media flows does not end the call, so it
  // only replaces the status once we are not connected.
  const status = phase === 'connected' || phase === 'reconnecting' ? phase : (error ?? phase);
  const selfRole = roster.find((p) => p.id === selfId)?.role ?? joinedRole;

  return {
    status,
    phase,
    error,
    notice,
    dismissNotice,
    reconnectAttempt,
    reconnections,
    roster,
    viewers,
    speaking,
    activeSpeaker,
    layout,
    changeLayout,
    tellMediaState,
    selfId,
    roomName,
    selfRole,
    remoteStream,
    remoteTrackCount,
    recording,
    controlRecording,
    broadcast,
    renditions,
    rendition,
    renditionChoice,
    chooseRendition,
    setRole,
    getStats,
    reconnectNow,
    leave,
  };
}
