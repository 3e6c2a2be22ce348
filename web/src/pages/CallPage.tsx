import { useCallback, useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import { Link as RouterLink } from 'react-router';
import { getRoom, listLayouts, type LayoutInfo, type Room, type User } from '../api/http';
import { BUILT_IN_LAYOUTS } from '../lib/layouts';
import { useLocalMedia } from '../hooks/useLocalMedia';
import { joinPath, type JoinLink } from '../lib/joinLink';
import { roomIdProblem } from '../lib/validation';
import PreJoinPage, { type MediaChoice } from './PreJoinPage';
import RoomPage from './RoomPage';

interface CallPageProps {
  link: JoinLink;
  /** The session token of a member, or the guest's invite token. */
  token: string;
  /** The signed-in account; null for a guest. */
  user: User | null;
  onAuthFailed: (message: string) => void;
}

const NAME_KEY = 'connect-right.name';
const CHOICE_KEY = 'connect-right.devices';

/** Device choices are remembered per browser, so the next call starts with the same ones. */
function loadChoice(): MediaChoice {
  const fallback: MediaChoice = { cameraId: '', microphoneId: '', originalSound: false, micOn: true, cameraOn: true };
  try {
    const saved = JSON.parse(localStorage.getItem(CHOICE_KEY) ?? '{}') as Partial<MediaChoice>;
    return {
      ...fallback,
      cameraId: typeof saved.cameraId === 'string' ? saved.cameraId : '',
      microphoneId: typeof saved.microphoneId === 'string' ? saved.microphoneId : '',
    };
  } catch {
    return fallback;
  }
}

/**
 * One call: the pre-join page, then the room, then back to the pre-join page
 * after leaving. The camera stream opened for the preview is the one the room
 * sends, so joining does not ask for the camera a second time.
 */
export default function CallPage({ link, token, user, onAuthFailed }: CallPageProps) {
  const guest = link.invite !== null;
  const viewerOnly = guest && link.viewer;
  const [room, setRoom] = useState(link.room);
  const [name, setName] = useState(() => localStorage.getItem(NAME_KEY) ?? user?.username ?? '');
  const [viewer, setViewer] = useState(link.viewer);
  const [choice, setChoice] = useState<MediaChoice>(loadChoice);
  const [inCall, setInCall] = useState(false);
  const [joinError, setJoinError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [roomInfo, setRoomInfo] = useState<Room | null>(null);

  const media = useLocalMedia(!viewer, {
    originalSound: choice.originalSound,
    cameraId: choice.cameraId || undefined,
    microphoneId: choice.microphoneId || undefined,
  });

  // Mute and camera-off apply to whatever stream is current, including a re-opened one.
  useEffect(() => {
    media.stream?.getAudioTracks().forEach((t) => (t.enabled = choice.micOn));
    media.stream?.getVideoTracks().forEach((t) => (t.enabled = choice.cameraOn));
  }, [media.stream, choice.micOn, choice.cameraOn]);

  // Members may read the room (its name, owner, layout); an invite token is not a session.
  useEffect(() => {
    setRoomInfo(null);
    if (guest || roomIdProblem(room) !== null) return;
    let current = true;
    const timer = setTimeout(() => {
      getRoom(token, room).then(
        (r) => current && setRoomInfo(r),
        () => {},
      );
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [guest, room, token]);

  const changeChoice = (patch: Partial<MediaChoice>) =>
    setChoice((c) => {
      const next = { ...c, ...patch };
      localStorage.setItem(CHOICE_KEY, JSON.stringify({ cameraId: next.cameraId, microphoneId: next.microphoneId }));
      return next;
    });

  const join = () => {
    localStorage.setItem(NAME_KEY, name.trim());
    setJoinError(null);
    setInfo(null);
    // The address bar becomes the link to this room (a guest's keeps its invite).
    if (!guest) window.history.replaceState(null, '', joinPath({ room, invite: null, viewer }));
    setInCall(true);
  };

  const left = useCallback((why: string | null) => {
    setInCall(false);
    if (why) setJoinError(why);
    else setInfo('You left the room.');
  }, []);

  const authFailed = useCallback(
    (message: string) => {
      setInCall(false);
      if (guest) setJoinError(message);
      onAuthFailed(message);
    },
    [guest, onAuthFailed],
  );

  // The layouts menu lists the server's; a guest (no session) gets the built-in ones.
  const [layouts, setLayouts] = useState<LayoutInfo[]>(BUILT_IN_LAYOUTS);
  useEffect(() => {
    if (guest) return;
    let current = true;
    listLayouts(token).then(
      (list) => current && list.length > 0 && setLayouts(list),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [guest, token]);

  if (inCall) {
    return (
      <RoomPage
        room={room}
        roomInfo={roomInfo}
        name={name.trim()}
        role={viewer ? 'viewer' : 'participant'}
        localStream={viewer ? null : media.stream}
        token={token}
        guest={guest}
        admin={user?.role === 'admin'}
        micOn={choice.micOn}
        cameraOn={choice.cameraOn}
        onMic={() => changeChoice({ micOn: !choice.micOn })}
        onCamera={() => changeChoice({ cameraOn: !choice.cameraOn })}
        layouts={layouts}
        onLeft={left}
        onAuthFailed={authFailed}
      />
    );
  }

  return (
    <Box component="main" sx={{ p: { xs: 1, sm: 3 } }}>
      {!guest && (
        <Button component={RouterLink} to="/" startIcon={<ArrowBackIcon />} sx={{ mb: 1 }}>
          Rooms
        </Button>
      )}
      <PreJoinPage
        guest={guest}
        viewerOnly={viewerOnly}
        room={room}
        onRoomChange={setRoom}
        roomName={roomInfo?.name ?? null}
        name={name}
        onNameChange={setName}
        viewer={viewer}
        onViewerChange={setViewer}
        media={media}
        choice={choice}
        onChoiceChange={changeChoice}
        error={joinError}
        info={info}
        onJoin={join}
      />
    </Box>
  );
}
