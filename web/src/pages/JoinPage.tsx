import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Container from '@mui/material/Container';
import FormControlLabel from '@mui/material/FormControlLabel';
import Paper from '@mui/material/Paper';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { User } from '../api/http';
import CreateRoomPanel from '../components/CreateRoomPanel';
import { MAX_NAME_LENGTH, MAX_ROOM_LENGTH, nameProblem, roomIdProblem } from '../lib/validation';

export interface JoinRequest {
  name: string;
  room: string;
  originalSound: boolean;
}

/** A signed-in user picks or creates the room; a guest's room comes from the invite. */
export type JoinPageMode = { kind: 'member'; user: User; token: string; onSignOut: () => void } | { kind: 'guest' };

interface JoinPageProps {
  mode: JoinPageMode;
  initialName: string;
  initialRoom: string;
  busy: boolean;
  error: string | null;
  onJoin: (request: JoinRequest) => void;
}

export default function JoinPage({ mode, initialName, initialRoom, busy, error, onJoin }: JoinPageProps) {
  const [name, setName] = useState(initialName);
  const [room, setRoom] = useState(initialRoom);
  const [originalSound, setOriginalSound] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const guest = mode.kind === 'guest';

  const nameError = nameProblem(name);
  // Point out a bad character as it is typed, but not an empty field before the first try.
  const roomError = room !== '' || submitted ? roomIdProblem(room) : null;
  const showNameError = submitted && nameError !== null;
  // An invite link with a damaged room id cannot be fixed by the guest.
  const linkError = guest && roomIdProblem(room) !== null ? 'This invite link is incomplete: it names no valid room. Ask for a new one.' : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (nameError || roomIdProblem(room)) return;
    onJoin({ name: name.trim(), room, originalSound });
  };

  return (
    <Container maxWidth="sm" sx={{ py: { xs: 2, sm: 6 }, display: 'grid', gap: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 2, flexWrap: 'wrap' }}>
        <Typography variant="h4" component="h1" sx={{ flex: '1 1 auto' }}>
          Connect-Right
        </Typography>
        {mode.kind === 'member' && (
          <>
            <Typography variant="body2" color="text.secondary" data-testid="signed-in-as">
              Signed in as {mode.user.username}
            </Typography>
            <Button size="small" onClick={mode.onSignOut} data-testid="sign-out">
              Sign out
            </Button>
          </>
        )}
      </Box>
      {guest && !linkError && (
        <Typography>
          You are invited to room <strong>{room}</strong>. Choose the name others will see.
        </Typography>
      )}
      <Paper component="form" onSubmit={submit} noValidate sx={{ p: { xs: 2, sm: 3 }, display: 'grid', gap: 2 }}>
        <TextField
          id="name"
          label="Your name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={showNameError}
          helperText={showNameError ? nameError : `Shown to others, up to ${MAX_NAME_LENGTH} characters`}
          autoComplete="nickname"
          required
          slotProps={{ htmlInput: { maxLength: MAX_NAME_LENGTH } }}
        />
        {!guest && (
          <TextField
            id="room"
            label="Room id"
            value={room}
            onChange={(e) => setRoom(e.target.value)}
            error={roomError !== null}
            helperText={roomError ?? `Letters, digits, "-" and "_", up to ${MAX_ROOM_LENGTH} characters`}
            required
            slotProps={{ htmlInput: { autoCapitalize: 'none', spellCheck: false } }}
          />
        )}
        <FormControlLabel
          control={<Switch id="original-sound" checked={originalSound} onChange={(e) => setOriginalSound(e.target.checked)} />}
          label="Original sound (turn off echo cancellation and noise suppression)"
        />
        {(linkError ?? error) && <Alert severity="error">{linkError ?? error}</Alert>}
        <Box>
          <Button type="submit" variant="contained" size="large" disabled={busy || linkError !== null} data-testid="join">
            {busy ? 'Starting camera…' : 'Join'}
          </Button>
        </Box>
      </Paper>
      {mode.kind === 'member' && (
        <CreateRoomPanel token={mode.token} onCreated={(created) => setRoom(created.id)} />
      )}
      {!window.isSecureContext && (
        <Alert severity="warning">
          This page is not secure, so the browser will not offer your camera or microphone. Open it over https://.
        </Alert>
      )}
      <Typography variant="body2" color="text.secondary">
        Browsers grant camera and microphone access only to pages served over https:// or from localhost.
        {!guest && ' Listed rooms admit every signed-in member; a private room admits its owner and holders of an invite link.'}
      </Typography>
    </Container>
  );
}
