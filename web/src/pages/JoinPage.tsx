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
import { MAX_NAME_LENGTH, MAX_ROOM_LENGTH, nameProblem, roomIdProblem } from '../lib/validation';

export interface JoinRequest {
  name: string;
  room: string;
  originalSound: boolean;
}

interface JoinPageProps {
  initialName: string;
  initialRoom: string;
  busy: boolean;
  error: string | null;
  onJoin: (request: JoinRequest) => void;
}

export default function JoinPage({ initialName, initialRoom, busy, error, onJoin }: JoinPageProps) {
  const [name, setName] = useState(initialName);
  const [room, setRoom] = useState(initialRoom);
  const [originalSound, setOriginalSound] = useState(false);
  const [submitted, setSubmitted] = useState(false);

  const nameError = nameProblem(name);
  // Point out a bad character as it is typed, but not an empty field before the first try.
  const roomError = room !== '' || submitted ? roomIdProblem(room) : null;
  const showNameError = submitted && nameError !== null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (nameError || roomIdProblem(room)) return;
    onJoin({ name: name.trim(), room, originalSound });
  };

  return (
    <Container maxWidth="sm" sx={{ py: { xs: 2, sm: 6 } }}>
      <Typography variant="h4" component="h1" gutterBottom>
        Connect-Right
      </Typography>
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
        <TextField
          id="room"
          label="Room"
          value={room}
          onChange={(e) => setRoom(e.target.value)}
          error={roomError !== null}
          helperText={roomError ?? `Letters, digits, "-" and "_", up to ${MAX_ROOM_LENGTH} characters`}
          required
          slotProps={{ htmlInput: { autoCapitalize: 'none', spellCheck: false } }}
        />
        <FormControlLabel
          control={<Switch id="original-sound" checked={originalSound} onChange={(e) => setOriginalSound(e.target.checked)} />}
          label="Original sound (turn off echo cancellation and noise suppression)"
        />
        {error && <Alert severity="error">{error}</Alert>}
        <Box>
          <Button type="submit" variant="contained" size="large" disabled={busy} data-testid="join">
            {busy ? 'Starting camera…' : 'Join'}
          </Button>
        </Box>
      </Paper>
      {!window.isSecureContext && (
        <Alert severity="warning" sx={{ mt: 2 }}>
          This page is not secure, so the browser will not offer your camera or microphone. Open it over https://.
        </Alert>
      )}
      <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>
        Browsers grant camera and microphone access only to pages served over https:// or from localhost. Anyone with
        the room link (this page with <code>?room=</code> and the room name) can join the same room.
      </Typography>
    </Container>
  );
}
