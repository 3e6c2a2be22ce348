import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientMessage, ServerMessage } from '../api/protocol';
import type { SignallingHandlers } from '../api/signalling';
import { MAX_RECONNECT_ATTEMPTS } from '../lib/reconnect';
import { useRoomConnection, type RoomConnectionDeps, type RoomConnectionParams } from './useRoomConnection';

/** A socket that records what the hook sends and lets the test play the server. */
class FakeSocket {
  sent: ClientMessage[] = [];
  closed = false;
  constructor(readonly handlers: SignallingHandlers) {}
  send(msg: ClientMessage) {
    this.sent.push(msg);
  }
  close() {
    this.closed = true;
  }
  serverSays(msg: ServerMessage) {
    this.handlers.onMessage(msg);
  }
  serverHangsUp() {
    this.handlers.onClose(new CloseEvent('close', { code: 1006 }));
  }
}

/** Just enough of RTCPeerConnection for the offer/answer exchange. */
class FakePeer {
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  transceivers: string[] = [];
  closed = false;
  onicecandidate: ((e: { candidate: RTCIceCandidate | null }) => void) | null = null;
  ontrack: ((e: { track: MediaStreamTrack }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  addTrack() {}
  addTransceiver(kind: string, init: RTCRtpTransceiverInit) {
    this.transceivers.push(`${kind}:${init.direction}`);
  }
  async createOffer() {
    return { type: 'offer' as const, sdp: 'v=0 offer' };
  }
  async setLocalDescription(d: RTCSessionDescriptionInit) {
    this.localDescription = d;
  }
  async setRemoteDescription(d: RTCSessionDescriptionInit) {
    this.remoteDescription = d;
  }
  async addIceCandidate() {}
  async getStats() {
    return new Map();
  }
  close() {
    this.closed = true;
    this.connectionState = 'closed';
  }
  becomes(state: RTCPeerConnectionState) {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }
}

class FakeMediaStream {
  private tracks: MediaStreamTrack[] = [];
  addTrack(t: MediaStreamTrack) {
    this.tracks.push(t);
  }
  getTracks() {
    return this.tracks;
  }
}

function setup(overrides: Partial<RoomConnectionParams> = {}) {
  const sockets: FakeSocket[] = [];
  const peers: FakePeer[] = [];
  const deps: RoomConnectionDeps = {
    openSignalling: (handlers) => {
      const socket = new FakeSocket(handlers);
      sockets.push(socket);
      return socket;
    },
    createPeerConnection: () => {
      const peer = new FakePeer();
      peers.push(peer);
      return peer as unknown as RTCPeerConnection;
    },
  };
  const onAuthFailed = vi.fn();
  const params: RoomConnectionParams = {
    room: 'r1',
    name: 'Ana',
    role: 'viewer',
    localStream: null,
    token: 'crs_tok',
    guest: false,
    onAuthFailed,
    ...overrides,
  };
  const hook = renderHook(() => useRoomConnection(params, deps));
  return { hook, sockets, peers, onAuthFailed };
}

/** Plays a server that accepts the join and answers on socket `s`. */
async function acceptJoin(s: FakeSocket, participantId = 'p1') {
  await act(async () => {
    s.handlers.onOpen();
    s.serverSays({ type: 'joined', participantId, room: 'r1', roomName: 'Weekly', role: 'viewer', iceServers: [] });
    s.serverSays({ type: 'answer', sdp: 'v=0 answer' });
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('MediaStream', FakeMediaStream);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('useRoomConnection', () => {
  it('joins with the token, offers receive-only media as a viewer and reports connected', async () => {
    const { hook, sockets, peers } = setup();
    await acceptJoin(sockets[0]);
    expect(sockets[0].sent[0]).toEqual({ type: 'join', room: 'r1', name: 'Ana', role: 'viewer', token: 'crs_tok' });
    expect(sockets[0].sent[1]).toEqual({ type: 'offer', sdp: 'v=0 offer' });
    expect(peers[0].transceivers).toEqual(['audio:recvonly', 'video:recvonly']);
    expect(peers[0].remoteDescription).toEqual({ type: 'answer', sdp: 'v=0 answer' });
    act(() => peers[0].becomes('connected'));
    expect(hook.result.current.status).toBe('connected');
  });

  it('rejoins with the same token on a new socket after the socket drops, and says so', async () => {
    const { hook, sockets, peers } = setup();
    await acceptJoin(sockets[0]);
    act(() => peers[0].becomes('connected'));

    act(() => sockets[0].serverHangsUp());
    expect(hook.result.current.phase).toBe('reconnecting');
    expect(hook.result.current.reconnectAttempt).toBe(1);
    expect(peers[0].closed).toBe(true);
    expect(sockets).toHaveLength(1);

    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(sockets).toHaveLength(2);
    await acceptJoin(sockets[1], 'p2');
    expect(sockets[1].sent[0]).toMatchObject({ type: 'join', token: 'crs_tok' });
    act(() => peers[1].becomes('connected'));
    expect(hook.result.current.phase).toBe('connected');
    expect(hook.result.current.reconnections).toBe(1);
    expect(hook.result.current.selfId).toBe('p2');
    expect(hook.result.current.roomName).toBe('Weekly');
  });

  it('starts over when ICE stays disconnected, but not when it heals', async () => {
    const { hook, sockets, peers } = setup();
    await acceptJoin(sockets[0]);
    act(() => peers[0].becomes('connected'));

    act(() => peers[0].becomes('disconnected'));
    await act(() => vi.advanceTimersByTimeAsync(2000));
    act(() => peers[0].becomes('connected'));
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(sockets).toHaveLength(1);

    act(() => peers[0].becomes('disconnected'));
    await act(() => vi.advanceTimersByTimeAsync(5000));
    expect(hook.result.current.phase).toBe('reconnecting');
    expect(sockets[0].closed).toBe(true);
  });

  it('waits longer between failed attempts and gives up in the end', async () => {
    const { hook, sockets, peers } = setup();
    await acceptJoin(sockets[0]);
    act(() => peers[0].becomes('connected'));
    act(() => sockets[0].serverHangsUp());
    for (let i = 0; i < MAX_RECONNECT_ATTEMPTS; i++) {
      await act(() => vi.advanceTimersByTimeAsync(10_000));
      act(() => sockets[sockets.length - 1].serverHangsUp());
    }
    expect(sockets).toHaveLength(MAX_RECONNECT_ATTEMPTS + 1);
    expect(hook.result.current.phase).toBe('disconnected');
    expect(hook.result.current.error).toMatch(/could not be restored/);

    act(() => hook.result.current.reconnectNow());
    expect(hook.result.current.phase).toBe('reconnecting');
    expect(sockets).toHaveLength(MAX_RECONNECT_ATTEMPTS + 2);
  });

  it('does not come back after being replaced by a newer connection', async () => {
    const { hook, sockets, peers } = setup();
    await acceptJoin(sockets[0]);
    act(() => peers[0].becomes('connected'));
    await act(async () => sockets[0].serverSays({ type: 'error', code: 'conflict', message: 'replaced' }));
    act(() => sockets[0].serverHangsUp());
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(sockets).toHaveLength(1);
    expect(hook.result.current.status).toMatch(/another tab/);
  });

  it('hands a refused token to the page and stops', async () => {
    const { hook, sockets, onAuthFailed } = setup();
    await act(async () => {
      sockets[0].handlers.onOpen();
      sockets[0].serverSays({ type: 'error', code: 'expired', message: 'session expired' });
    });
    expect(onAuthFailed).toHaveBeenCalledWith('Your session has expired. Sign in again.');
    expect(hook.result.current.phase).toBe('disconnected');
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(sockets).toHaveLength(1);
  });

  it('says the room is full instead of retrying', async () => {
    const { hook, sockets } = setup();
    await act(async () => {
      sockets[0].handlers.onOpen();
      sockets[0].serverSays({ type: 'error', code: 'room_full', message: 'room is full' });
    });
    expect(hook.result.current.status).toMatch(/room is full/i);
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(sockets).toHaveLength(1);
  });

  it('reports an unreachable server on the first join rather than retrying blindly', async () => {
    const { hook, sockets } = setup();
    act(() => sockets[0].serverHangsUp());
    expect(hook.result.current.status).toMatch(/could not reach the server/i);
  });

  it('keeps the call going after a refused request, and sends setRole and recording', async () => {
    const { hook, sockets, peers } = setup();
    await acceptJoin(sockets[0]);
    act(() => peers[0].becomes('connected'));
    await act(async () => sockets[0].serverSays({ type: 'error', code: 'forbidden', message: 'only presenters may record' }));
    expect(hook.result.current.status).toBe('connected');
    expect(hook.result.current.notice).toBe('only presenters may record');

    act(() => {
      hook.result.current.setRole('p9', 'presenter');
      hook.result.current.controlRecording('start');
    });
    expect(sockets[0].sent.slice(-2)).toEqual([
      { type: 'setRole', participantId: 'p9', role: 'presenter' },
      { type: 'recording', action: 'start' },
    ]);
    await act(async () => sockets[0].serverSays({ type: 'recording', state: 'started', recordingId: 'rec1' }));
    expect(hook.result.current.recording).toBe(true);
  });

  it('shows what the room broadcasts, and forgets it on a rejoin until the server repeats it', async () => {
    const { hook, sockets, peers } = setup();
    await acceptJoin(sockets[0]);
    expect(hook.result.current.broadcast).toEqual({ hls: false, rtmp: 'off' });
    await act(async () => sockets[0].serverSays({ type: 'broadcast', hls: true, rtmp: 'retrying' }));
    expect(hook.result.current.broadcast).toEqual({ hls: true, rtmp: 'retrying' });

    act(() => peers[0].becomes('connected'));
    act(() => sockets[0].serverHangsUp());
    await act(() => vi.advanceTimersByTimeAsync(1000));
    await acceptJoin(sockets[1]);
    expect(hook.result.current.broadcast).toEqual({ hls: false, rtmp: 'off' });
  });

  it('offers the renditions from joined, tracks the current one and sends a pin', async () => {
    const { hook, sockets } = setup();
    await act(async () => {
      sockets[0].handlers.onOpen();
      sockets[0].serverSays({
        type: 'joined',
        participantId: 'p1',
        room: 'r1',
        roomName: 'Weekly',
        role: 'viewer',
        iceServers: [],
        renditions: [
          { name: 'high', width: 1280, height: 720 },
          { name: 'low', width: 320, height: 180 },
        ],
      });
    });
    expect(hook.result.current.renditions).toHaveLength(2);
    // Chosen before the answer: nothing to switch yet, so it waits for the answer.
    act(() => hook.result.current.chooseRendition('low'));
    expect(sockets[0].sent.some((m) => m.type === 'rendition')).toBe(false);
    await act(async () => sockets[0].serverSays({ type: 'answer', sdp: 'v=0 answer' }));
    expect(sockets[0].sent.at(-1)).toEqual({ type: 'rendition', rendition: 'low' });

    await act(async () => sockets[0].serverSays({ type: 'rendition', rendition: 'low', width: 320, height: 180, pinned: true }));
    expect(hook.result.current.rendition).toEqual({ name: 'low', width: 320, height: 180, pinned: true });
    expect(hook.result.current.renditionChoice).toBe('low');

    act(() => hook.result.current.chooseRendition('auto'));
    expect(sockets[0].sent.at(-1)).toEqual({ type: 'rendition', rendition: 'auto' });
  });

  it('pins the chosen rendition again after reconnecting, and has no menu for an old server', async () => {
    const { hook, sockets, peers } = setup();
    await acceptJoin(sockets[0]);
    expect(hook.result.current.renditions).toBeNull();
    act(() => hook.result.current.chooseRendition('medium'));
    expect(sockets[0].sent.at(-1)).toEqual({ type: 'rendition', rendition: 'medium' });
    act(() => peers[0].becomes('connected'));
    act(() => sockets[0].serverHangsUp());
    await act(() => vi.advanceTimersByTimeAsync(1000));
    await acceptJoin(sockets[1], 'p2');
    expect(sockets[1].sent.at(-1)).toEqual({ type: 'rendition', rendition: 'medium' });
  });

  it('sends leave and closes without reconnecting', async () => {
    const { hook, sockets, peers } = setup();
    await acceptJoin(sockets[0]);
    act(() => peers[0].becomes('connected'));
    act(() => hook.result.current.leave());
    expect(sockets[0].sent.at(-1)).toEqual({ type: 'leave' });
    expect(sockets[0].closed).toBe(true);
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    expect(sockets).toHaveLength(1);
  });
});
