import { BUILT_IN_LAYOUTS } from '../lib/layouts';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../api/http';
import type { ClientMessage, ServerMessage } from '../api/protocol';
import type { SignallingHandlers } from '../api/signalling';
import type { RoomConnectionDeps } from '../hooks/useRoomConnection';
import { ANA, fakeFetch, renderSignedIn } from '../test/renderSignedIn';
import RoomPage from './RoomPage';

/** Plays the server on the room's socket; the peer connection only answers what the page asks. */
function fakeRoom() {
  const sent: ClientMessage[] = [];
  let handlers: SignallingHandlers | null = null;
  const peer = {
    connectionState: 'new',
    localDescription: null as RTCSessionDescriptionInit | null,
    onconnectionstatechange: null as null | (() => void),
    addTransceiver() {},
    addTrack() {},
    createOffer: async () => ({ type: 'offer', sdp: 'v=0 offer' }),
    setLocalDescription: async function (this: { localDescription: unknown }, d: RTCSessionDescriptionInit) {
      this.localDescription = d;
    },
    setRemoteDescription: async () => {},
    addIceCandidate: async () => {},
    // Never answers: the quality indicator's polling is not what these tests are about.
    getStats: () => new Promise(() => {}),
    close() {},
  };
  const deps: RoomConnectionDeps = {
    openSignalling: (h) => {
      handlers = h;
      return { send: (m) => sent.push(m), close() {} };
    },
    createPeerConnection: () => peer as unknown as RTCPeerConnection,
  };
  const says = (...messages: ServerMessage[]) =>
    act(async () => {
      for (const m of messages) handlers?.onMessage(m);
    });
  const open = () => act(() => handlers?.onOpen());
  const connected = () =>
    act(() => {
      peer.connectionState = 'connected';
      peer.onconnectionstatechange?.();
    });
  return { deps, sent, says, open, connected };
}

function renderRoom(deps: RoomConnectionDeps, user: User = ANA, admin = false) {
  return renderSignedIn(
    <RoomPage
      room="r1"
      roomInfo={null}
      name="Ana"
      role="viewer"
      localStream={null}
      token="crs_test"
      guest={false}
      admin={admin}
      micOn
      cameraOn
      onMic={vi.fn()}
      onCamera={vi.fn()}
      layouts={BUILT_IN_LAYOUTS}
      onLeft={vi.fn()}
      onAuthFailed={vi.fn()}
      connectionDeps={deps}
    />,
    user,
  );
}

const JOINED: ServerMessage = {
  type: 'joined',
  participantId: 'p1',
  room: 'r1',
  roomName: 'Weekly',
  role: 'viewer',
  iceServers: [],
  renditions: [
    { name: 'high', width: 1280, height: 720 },
    { name: 'medium', width: 640, height: 360 },
  ],
};

afterEach(() => vi.unstubAllGlobals());

describe('RoomPage broadcasting', () => {
  it('shows LIVE to everyone when the room says so, and lets a viewer pick the quality', async () => {
    const room = fakeRoom();
    renderRoom(room.deps);
    await room.open();
    await room.says(JOINED, { type: 'answer', sdp: 'v=0 answer' });
    await room.connected();
    // Until the server says which rendition we get (a VP8 receiver is never told), there is no menu.
    expect(screen.queryByTestId('quality-menu')).toBeNull();
    await room.says({ type: 'rendition', rendition: 'medium', width: 640, height: 360, pinned: false });
    expect(screen.queryByTestId('live-indicator')).toBeNull();
    // A viewer (no owner, no presenter) gets no broadcast controls.
    expect(screen.queryByTestId('broadcast-open')).toBeNull();

    await room.says({ type: 'broadcast', hls: true, rtmp: 'off' });
    expect(screen.getByTestId('live-indicator').textContent).toBe('LIVE');

    expect(screen.getByTestId('quality-menu').textContent).toBe('Auto · 360p');
    await userEvent.click(screen.getByTestId('quality-menu'));
    await userEvent.click(screen.getByRole('menuitemradio', { name: /720p/ }));
    expect(room.sent.at(-1)).toEqual({ type: 'rendition', rendition: 'high' });

    await room.says({ type: 'broadcast', hls: false, rtmp: 'off' });
    expect(screen.queryByTestId('live-indicator')).toBeNull();
  });

  it('opens the broadcast panel for the owner', async () => {
    fakeFetch({
      'GET /api/rooms/r1/hls': () => ({ active: false }),
      'GET /api/rooms/r1/rtmp': () => ({ active: false }),
      'GET /api/rooms/r1/stream-key': () => ({ exists: false }),
    });
    const room = fakeRoom();
    renderRoom(room.deps);
    await room.open();
    await room.says(JOINED, { type: 'roster', participants: [{ id: 'p1', name: 'Ana', role: 'owner', audio: true, video: true }], viewers: 0 });
    await userEvent.click(screen.getByTestId('broadcast-open'));
    expect(await screen.findByRole('dialog', { name: 'Broadcast' })).toBeTruthy();
    await waitFor(() => expect(screen.getByText('The room has no stream key.')).toBeTruthy());
  });
});
