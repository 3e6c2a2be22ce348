import { useCallback, useEffect, useRef, useState } from 'react';
import { describeJoinError, isAuthError, type RosterEntry, type ServerMessage } from '../api/protocol';
import { SignallingClient, signallingUrl } from '../api/signalling';

export type ConnectionPhase = 'connecting' | 'connected' | 'disconnected';

export interface RoomConnectionParams {
  room: string;
  name: string;
  localStream: MediaStream;
  /** The session token of a signed-in user, or a guest's invite token. */
  token: string;
  guest: boolean;
  /** The server refused the token (`unauthorized` / `expired`); the message says so in plain words. */
  onAuthFailed: (message: string) => void;
}

export interface RoomConnection {
  /** What the status line shows: the phase, or why the server refused us. */
  status: string;
  phase: ConnectionPhase;
  error: string | null;
  roster: RosterEntry[];
  selfId: string | null;
  /** The composite: every received track in one stream. */
  remoteStream: MediaStream | null;
  /** Changes whenever a track is added to remoteStream, so views re-attach it. */
  remoteTrackCount: number;
  /** The room is being recorded (the server tells everyone when it starts and stops). */
  recording: boolean;
  /** Asks the server to start or stop recording (presenters, the owner and admins may). */
  controlRecording: (action: 'start' | 'stop') => void;
  leave: () => void;
}

function phaseOf(state: RTCPeerConnectionState): ConnectionPhase {
  switch (state) {
    case 'connected':
      return 'connected';
    case 'failed':
    case 'closed':
      return 'disconnected';
    default:
      // 'disconnected' is transient in WebRTC: ICE may still recover.
      return 'connecting';
  }
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Joins a room over signalling and runs the one RTCPeerConnection that sends
 * our camera and microphone and receives the room's composite. All WebRTC
 * logic of the app lives here.
 */
export function useRoomConnection({
  room,
  name,
  localStream,
  token,
  guest,
  onAuthFailed,
}: RoomConnectionParams): RoomConnection {
  const [phase, setPhase] = useState<ConnectionPhase>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [roster, setRoster] = useState<RosterEntry[]>([]);
  const [selfId, setSelfId] = useState<string | null>(null);
  const [remoteStream, setRemoteStream] = useState<MediaStream | null>(null);
  const [remoteTrackCount, setRemoteTrackCount] = useState(0);
  const [recording, setRecording] = useState(false);
  const controlRef = useRef<(action: 'start' | 'stop') => void>(() => {});
  const leaveRef = useRef<() => void>(() => {});
  // Read through a ref so that a new callback from the parent does not rejoin.
  const onAuthFailedRef = useRef(onAuthFailed);
  useEffect(() => {
    onAuthFailedRef.current = onAuthFailed;
  }, [onAuthFailed]);

  useEffect(() => {
    let disposed = false;
    let pc: RTCPeerConnection | null = null;
    let offerSent = false;
    let answerApplied = false;
    // Candidates can race the SDP in both directions; hold them until the
    // description they belong to has been sent or applied.
    const localIce: RTCIceCandidate[] = [];
    const remoteIce: RTCIceCandidateInit[] = [];
    const received = new MediaStream();
    // Messages are handled strictly in arrival order even though some steps are async.
    let queue = Promise.resolve();

    const sendIce = (c: RTCIceCandidate) =>
      signalling.send({ type: 'ice', candidate: c.candidate, sdpMLineIndex: c.sdpMLineIndex ?? 0 });

    const addRemoteIce = (init: RTCIceCandidateInit) =>
      pc?.addIceCandidate(init).catch((err) => console.warn('addIceCandidate failed', init, err));

    const shutdown = () => {
      disposed = true;
      pc?.close();
      signalling.close();
    };

    const fail = (message: string) => {
      if (disposed) return;
      setError(message);
      setPhase('disconnected');
      shutdown();
    };

    const startCall = async (iceServers: RTCIceServer[]) => {
      const conn = new RTCPeerConnection({ iceServers, bundlePolicy: 'max-bundle' });
      pc = conn;
      conn.onicecandidate = (e) => {
        if (!e.candidate || !e.candidate.candidate) return;
        if (offerSent) sendIce(e.candidate);
        else localIce.push(e.candidate);
      };
      conn.ontrack = (e) => {
        received.addTrack(e.track);
        setRemoteStream(received);
        setRemoteTrackCount(received.getTracks().length);
      };
      conn.onconnectionstatechange = () => {
        if (!disposed) setPhase(phaseOf(conn.connectionState));
      };
      // Audio first, then video: addTrack makes both m-lines sendrecv, and
      // the server takes the order from the offer.
      for (const track of [...localStream.getAudioTracks(), ...localStream.getVideoTracks()]) {
        conn.addTrack(track, localStream);
      }
      const offer = await conn.createOffer();
      await conn.setLocalDescription(offer);
      if (disposed || !conn.localDescription) return;
      signalling.send({ type: 'offer', sdp: conn.localDescription.sdp });
      offerSent = true;
      localIce.splice(0).forEach(sendIce);
    };

    const handle = async (msg: ServerMessage) => {
      if (disposed) return;
      switch (msg.type) {
        case 'joined':
          setSelfId(msg.participantId);
          if (!pc) await startCall(msg.iceServers);
          break;
        case 'answer':
          if (!pc) return;
          await pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
          answerApplied = true;
          remoteIce.splice(0).forEach(addRemoteIce);
          break;
        case 'ice': {
          const init = { candidate: msg.candidate, sdpMLineIndex: msg.sdpMLineIndex };
          if (answerApplied) await addRemoteIce(init);
          else remoteIce.push(init);
          break;
        }
        case 'roster':
          setRoster(msg.participants);
          break;
        case 'recording':
          setRecording(msg.state === 'started');
          break;
        case 'error': {
          const text = describeJoinError(msg.code, msg.message, guest);
          if (isAuthError(msg.code)) {
            fail(text);
            onAuthFailedRef.current(text);
            return;
          }
          // Whether the error is fatal is the server's call: it closes the socket if so.
          setError(text);
          break;
        }
      }
    };

    const signalling = new SignallingClient(signallingUrl(), {
      onOpen: () => signalling.send({ type: 'join', room, name, role: 'participant', token }),
      onMessage: (msg) => {
        queue = queue.then(() => handle(msg)).catch((err) => fail(`Could not set up the call: ${errorText(err)}`));
      },
      onClose: () => {
        if (disposed) return;
        disposed = true;
        pc?.close();
        setPhase('disconnected');
      },
    });

    controlRef.current = (action) => signalling.send({ type: 'recording', action });

    leaveRef.current = () => {
      if (!disposed) signalling.send({ type: 'leave' });
      shutdown();
      setPhase('disconnected');
    };

    return shutdown;
  }, [room, name, localStream, token, guest]);

  const leave = useCallback(() => leaveRef.current(), []);
  const controlRecording = useCallback((action: 'start' | 'stop') => controlRef.current(action), []);

  // An error that arrives while media flows (say, a refused request) does not
  // end the call, so it only replaces the status once we are not connected.
  const status = phase === 'connected' ? phase : (error ?? phase);

  return {
    status,
    phase,
    error,
    roster,
    selfId,
    remoteStream,
    remoteTrackCount,
    recording,
    controlRecording,
    leave,
  };
}
