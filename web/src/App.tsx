import { useState } from 'react';
import JoinPage, { type JoinRequest } from './pages/JoinPage';
import RoomPage from './pages/RoomPage';
import SignInPage from './pages/SignInPage';
import { useAuth } from './hooks/useAuth';
import { parseJoinLink } from './lib/joinLink';
import { describeMediaError, openLocalMedia, stopTracks } from './lib/media';

interface Call {
  room: string;
  name: string;
  token: string;
  localStream: MediaStream;
}

const NAME_KEY = 'connect-right.name';

export default function App() {
  const auth = useAuth();
  // An invite link makes this tab a guest's: the invite is the join token and no sign-in is asked for.
  const [link] = useState(() => parseJoinLink(window.location.search));
  const guest = link.invite !== null;
  const [call, setCall] = useState<Call | null>(null);
  const [busy, setBusy] = useState(false);
  const [joinError, setJoinError] = useState<string | null>(null);
  const [lastRoom, setLastRoom] = useState(link.room);
  const [lastName, setLastName] = useState<string | null>(null);

  const token = link.invite ?? auth.session?.token ?? null;

  const join = async ({ name, room, originalSound }: JoinRequest) => {
    if (token === null) return;
    setBusy(true);
    setJoinError(null);
    try {
      const localStream = await openLocalMedia({ originalSound });
      localStorage.setItem(NAME_KEY, name);
      setLastRoom(room);
      setLastName(name);
      // The address bar becomes the link to this room (a guest's keeps its invite).
      if (!guest) window.history.replaceState(null, '', `?room=${encodeURIComponent(room)}`);
      setCall({ room, name, token, localStream });
    } catch (err) {
      setJoinError(describeMediaError(err));
    } finally {
      setBusy(false);
    }
  };

  const endCall = () => {
    // Turns the camera light off; the room page closes the peer connection.
    if (call) stopTracks(call.localStream);
    setCall(null);
  };

  // The server refused the token: a guest needs a new link, a member a new sign-in.
  const authFailed = (message: string) => {
    endCall();
    if (guest) setJoinError(message);
    else auth.expire(message);
  };

  if (call) return <RoomPage {...call} guest={guest} onLeft={endCall} onAuthFailed={authFailed} />;

  if (guest) {
    return (
      <JoinPage
        mode={{ kind: 'guest' }}
        initialName={lastName ?? localStorage.getItem(NAME_KEY) ?? ''}
        initialRoom={link.room}
        busy={busy}
        error={joinError}
        onJoin={join}
      />
    );
  }

  if (!auth.session) {
    return <SignInPage notice={auth.notice} onSignIn={auth.signIn} onRegister={auth.register} />;
  }

  return (
    <JoinPage
      key={auth.session.user.id}
      mode={{ kind: 'member', user: auth.session.user, token: auth.session.token, onSignOut: auth.signOut }}
      initialName={lastName ?? auth.session.user.username}
      initialRoom={lastRoom}
      busy={busy}
      error={joinError}
      onJoin={join}
    />
  );
}
