import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import FormControlLabel from '@mui/material/FormControlLabel';
import Paper from '@mui/material/Paper';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import DevicePicker from '../components/DevicePicker';
import MediaToggles from '../components/MediaToggles';
import VideoView from '../components/VideoView';
import type { LocalMedia } from '../hooks/useLocalMedia';
import { mediaUnavailableReason } from '../lib/media';
import { MAX_NAME_LENGTH, MAX_ROOM_LENGTH, nameProblem, roomIdProblem } from '../lib/validation';

export interface MediaChoice {
  cameraId: string;
  microphoneId: string;
  originalSound: boolean;
  micOn: boolean;
  cameraOn: boolean;
}

const DEVICE_PICKERS = [
  { id: 'camera', label: 'Camera', kind: 'cameras', choiceKey: 'cameraId' },
  { id: 'microphone', label: 'Microphone', kind: 'microphones', choiceKey: 'microphoneId' },
] as const;

interface PreJoinPageProps {
  /** A guest came with an invite: the room is fixed and there is no account. */
  guest: boolean;
  /** The invite lets its holder only watch. */
  viewerOnly: boolean;
  room: string;
  onRoomChange: (room: string) => void;
  /** The room's name, when the API told us. */
  roomName: string | null;
  name: string;
  onNameChange: (name: string) => void;
  viewer: boolean;
  onViewerChange: (viewer: boolean) => void;
  media: LocalMedia;
  choice: MediaChoice;
  onChoiceChange: (patch: Partial<MediaChoice>) => void;
  /** Why the last join failed, in plain words. */
  error: string | null;
  /** Shown above the form, such as "You left the room". */
  info: string | null;
  onJoin: () => void;
}

/** Camera and microphone preview, device choice and display name, before entering the room. */
export default function PreJoinPage(props: PreJoinPageProps) {
  const { guest, viewerOnly, room, roomName, name, viewer, media, choice, error, info } = props;
  const [submitted, setSubmitted] = useState(false);
  const nameError = nameProblem(name);
  const roomError = room !== '' || submitted ? roomIdProblem(room) : null;
  const linkError = guest && roomIdProblem(room) !== null ? 'This invite link is incomplete: it names no valid room. Ask for a new one.' : null;
  const noCameraReason = mediaUnavailableReason();
  const needsMedia = !viewer;
  const waitingForMedia = needsMedia && media.opening;
  const mediaFailed = needsMedia && !media.opening && media.stream === null;

  const invitedTo = viewerOnly ? 'You are invited to watch a room' : 'You are invited to a room';
  const heading = roomName ? `Join “${roomName}”` : guest ? invitedTo : 'Join a room';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (nameError || roomIdProblem(room) || waitingForMedia || mediaFailed) return;
    props.onJoin();
  };

  return (
    <Box sx={{ display: 'grid', gap: 2, maxWidth: 960, mx: 'auto' }}>
      <Typography variant="h5" component="h1" sx={{ overflowWrap: 'anywhere' }}>
        {heading}
      </Typography>
      {info && <Alert severity="info">{info}</Alert>}
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '3fr 2fr' }, alignItems: 'start' }}>
        <Paper sx={{ p: { xs: 1, sm: 2 }, display: 'grid', gap: 1 }}>
          {viewer ? (
            <Box sx={{ aspectRatio: '16 / 9', display: 'grid', placeItems: 'center', bgcolor: 'black', borderRadius: 1, p: 2 }}>
              <Typography color="text.secondary" align="center">
                Watching only: your camera and microphone stay off, and you hear everyone.
              </Typography>
            </Box>
          ) : (
            <Box sx={{ position: 'relative' }}>
              <VideoView
                stream={media.stream}
                muted
                mirrored
                testId="preview"
                label="Preview of your camera"
                sx={{ aspectRatio: '16 / 9', width: '100%', borderRadius: 1 }}
              />
              {media.opening && (
                <Box sx={{ position: 'absolute', inset: 0, display: 'grid', placeItems: 'center' }} role="status" aria-label="Starting camera">
                  <CircularProgress />
                </Box>
              )}
              {media.stream && !choice.cameraOn && (
                <Typography sx={{ position: 'absolute', inset: 0, display: 'grid', placeItems: 'center' }} color="text.secondary">
                  Camera off
                </Typography>
              )}
              <Box sx={{ position: 'absolute', bottom: 8, left: 0, right: 0, display: 'flex', justifyContent: 'center', gap: 1 }}>
                <MediaToggles
                  micOn={choice.micOn}
                  cameraOn={choice.cameraOn}
                  onMic={() => props.onChoiceChange({ micOn: !choice.micOn })}
                  onCamera={() => props.onChoiceChange({ cameraOn: !choice.cameraOn })}
                  disabled={!media.stream}
                />
              </Box>
            </Box>
          )}
          {!viewer && (
            <Box sx={{ display: 'grid', gap: 1.5, gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' }, pt: 1 }}>
              {DEVICE_PICKERS.map(({ id, label, kind, choiceKey }) => (
                <DevicePicker
                  key={id}
                  id={id}
                  label={label}
                  devices={media.devices[kind]}
                  value={choice[choiceKey]}
                  onChange={(deviceId) => props.onChoiceChange({ [choiceKey]: deviceId })}
                />
              ))}
            </Box>
          )}
        </Paper>
        <Paper component="form" onSubmit={submit} noValidate sx={{ p: { xs: 2, sm: 3 }, display: 'grid', gap: 2 }}>
          <TextField
            id="name"
            label="Your name"
            value={name}
            onChange={(e) => props.onNameChange(e.target.value)}
            error={submitted && nameError !== null}
            helperText={submitted && nameError ? nameError : `Shown to others, up to ${MAX_NAME_LENGTH} characters`}
            autoComplete="nickname"
            required
            slotProps={{ htmlInput: { maxLength: MAX_NAME_LENGTH } }}
          />
          {!guest && (
            <TextField
              id="room"
              label="Room id"
              value={room}
              onChange={(e) => props.onRoomChange(e.target.value)}
              error={roomError !== null}
              helperText={roomError ?? `Letters, digits, "-" and "_", up to ${MAX_ROOM_LENGTH} characters`}
              required
              slotProps={{ htmlInput: { autoCapitalize: 'none', spellCheck: false } }}
            />
          )}
          {!viewer && (
            <FormControlLabel
              control={
                <Switch
                  id="original-sound"
                  checked={choice.originalSound}
                  onChange={(e) => props.onChoiceChange({ originalSound: e.target.checked })}
                />
              }
              label="Original sound (for music: no echo cancellation or noise suppression)"
            />
          )}
          {!viewerOnly && (
            <FormControlLabel
              control={<Switch id="watch-only" checked={viewer} onChange={(e) => props.onViewerChange(e.target.checked)} />}
              label="Watch only (no camera or microphone)"
            />
          )}
          {viewerOnly && <Typography variant="body2">This invite lets you watch and listen only.</Typography>}
          {!viewer && noCameraReason && <Alert severity="warning">{noCameraReason}</Alert>}
          {!viewer && !noCameraReason && mediaFailed && media.error && (
            <Alert severity="error" action={<Button onClick={media.retry}>Try again</Button>}>
              {media.error}
              {!viewerOnly && ' You can also join with “Watch only”.'}
            </Alert>
          )}
          {(linkError ?? error) && <Alert severity="error">{linkError ?? error}</Alert>}
          <Box>
            <Button
              type="submit"
              variant="contained"
              size="large"
              disabled={linkError !== null || waitingForMedia || mediaFailed}
              data-testid="join"
            >
              {waitingForMedia ? 'Starting camera…' : viewer ? 'Watch' : 'Join'}
            </Button>
          </Box>
        </Paper>
      </Box>
    </Box>
  );
}
