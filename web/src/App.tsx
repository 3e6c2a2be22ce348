import { useState } from 'react';
import JoinPage, { type JoinRequest } from './pages/JoinPage';
import RoomPage from './pages/RoomPage';
import { describeMediaError, openLocalMedia, stopTracks } from './lib/media';

interface Session {
  room: string;
  name: string;
  localStream: MediaStream;
}

const NAME_KEY = 'connect-right.name';

const roomFromUrl = () => new URLSearchParams(window.location.search).get('room') ?? '';

export default function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [busy, setBusy] = useState(false);
  const [mediaError, setMediaError] = useState<string | null>(null);
  const [lastRoom, setLastRoom] = useState(roomFromUrl);

  const join = async ({ name, room, originalSound }: JoinRequest) => {
    setBusy(true);
    setMediaError(null);
    try {
      const localStream = await openLocalMedia({ originalSound });
      localStorage.setItem(NAME_KEY, name);
      setLastRoom(room);
      // The address bar becomes the link others can use to join.
      window.history.replaceState(null, '', `?room=${encodeURIComponent(room)}`);
      setSession({ room, name, localStream });
    } catch (err) {
      setMediaError(describeMediaError(err));
    } finally {
      setBusy(false);
    }
  };

  if (session) {
    const leave = () => {
      // Turns the camera light off; the peer connection is already closed.
      stopTracks(session.localStream);
      setSession(null);
    };
    return <RoomPage {...session} onLeft={leave} />;
  }
  return (
    <JoinPage
      initialName={localStorage.getItem(NAME_KEY) ?? ''}
      initialRoom={lastRoom}
      busy={busy}
      error={mediaError}
      onJoin={join}
    />
  );
}
