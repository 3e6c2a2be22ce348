import { useState, type FocusEvent, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { createInvite, createRoom, describeApiError, type Room } from '../api/http';
import { inviteLink } from '../lib/joinLink';
import { MAX_ROOM_NAME_LENGTH, roomNameProblem } from '../lib/validation';

interface CreateRoomPanelProps {
  token: string;
  onCreated: (room: Room) => void;
}

/** Creates a room (POST /api/rooms) and, for it, a participant invite link to hand out. */
export default function CreateRoomPanel({ token, onCreated }: CreateRoomPanelProps) {
  const [name, setName] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [room, setRoom] = useState<Room | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  const nameError = submitted ? roomNameProblem(name) : null;

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (roomNameProblem(name) || busy) return;
    setBusy(true);
    setError(null);
    try {
      const created = await createRoom(token, { name: name.trim() });
      setRoom(created);
      setLink(null);
      setCopied(false);
      onCreated(created);
    } catch (err) {
      setError(describeApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const copyInvite = async () => {
    if (!room) return;
    setError(null);
    try {
      const url = link ?? inviteLink(window.location.origin, room.id, (await createInvite(token, room.id)).token);
      setLink(url);
      // The clipboard is refused on insecure pages and without focus; the link stays visible to copy by hand.
      await navigator.clipboard?.writeText(url).then(() => setCopied(true), () => {});
    } catch (err) {
      setError(describeApiError(err));
    }
  };

  return (
    <Paper component="form" onSubmit={create} noValidate sx={{ p: { xs: 2, sm: 3 }, display: 'grid', gap: 2 }}>
      <Typography variant="subtitle1" component="h2">
        New room
      </Typography>
      <TextField
        id="room-name"
        label="Room name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={nameError !== null}
        helperText={nameError ?? 'You will own the room and can invite others to it'}
        slotProps={{ htmlInput: { maxLength: MAX_ROOM_NAME_LENGTH } }}
      />
      {error && <Alert severity="error">{error}</Alert>}
      {room && (
        <Alert severity="success" data-testid="room-created">
          Room “{room.name}” created. Its id, {room.id}, is filled in above.
        </Alert>
      )}
      {link && (
        <TextField
          id="invite-link"
          label="Invite link (participant)"
          value={link}
          helperText={copied ? 'Copied to the clipboard' : 'Copy this link and send it to your guests'}
          slotProps={{ htmlInput: { readOnly: true, onFocus: (e: FocusEvent<HTMLInputElement>) => e.currentTarget.select() } }}
        />
      )}
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        <Button type="submit" variant="outlined" disabled={busy} data-testid="create-room">
          {busy ? 'Creating…' : 'Create room'}
        </Button>
        {room && (
          <Button onClick={copyInvite} data-testid="copy-invite">
            {copied ? 'Invite link copied' : 'Copy invite link'}
          </Button>
        )}
      </Box>
    </Paper>
  );
}
