import { BUILT_IN_LAYOUTS, layoutLabel } from '../lib/layouts';
import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useTheme } from '@mui/material/styles';
import type { Layout, NewRoom } from '../api/http';
import { MAX_PARTICIPANTS_LIMIT, MAX_ROOM_NAME_LENGTH, maxParticipantsProblem, roomNameProblem } from '../lib/validation';

interface CreateRoomDialogProps {
  open: boolean;
  onClose: () => void;
  /** Sends the request; resolves to an error sentence, or null when the room was made. */
  onCreate: (room: NewRoom) => Promise<string | null>;
}

/** The room's name and settings (POST /api/rooms); full screen on a phone. */
export default function CreateRoomDialog({ open, onClose, onCreate }: CreateRoomDialogProps) {
  const fullScreen = useMediaQuery(useTheme().breakpoints.down('sm'));
  const [name, setName] = useState('');
  const [max, setMax] = useState(String(MAX_PARTICIPANTS_LIMIT));
  const [layout, setLayout] = useState<Layout>('grid');
  const [autoRecord, setAutoRecord] = useState(false);
  const [listed, setListed] = useState(true);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const nameError = roomNameProblem(name);
  const maxError = maxParticipantsProblem(max);

  const reset = () => {
    setName('');
    setMax(String(MAX_PARTICIPANTS_LIMIT));
    setLayout('grid');
    setAutoRecord(false);
    setListed(true);
    setSubmitted(false);
    setError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (nameError || maxError || busy) return;
    setBusy(true);
    setError(null);
    const problem = await onCreate({ name: name.trim(), maxParticipants: Number(max), layout, autoRecord, listed });
    setBusy(false);
    if (problem) setError(problem);
    else reset();
  };

  return (
    <Dialog
      open={open}
      onClose={busy ? undefined : onClose}
      fullScreen={fullScreen}
      maxWidth="xs"
      fullWidth
      aria-labelledby="create-room-title"
      slotProps={{ paper: { component: 'form', onSubmit: submit, noValidate: true } as object }}
    >
      <DialogTitle id="create-room-title">New room</DialogTitle>
      <DialogContent sx={{ display: 'grid', gap: 2, pt: '8px !important' }}>
        <TextField
          id="room-name"
          label="Room name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={submitted && nameError !== null}
          helperText={submitted && nameError ? nameError : 'Shown in the room list and on recordings'}
          required
          autoFocus
          slotProps={{ htmlInput: { maxLength: MAX_ROOM_NAME_LENGTH } }}
        />
        <TextField
          id="max-participants"
          label="Max participants"
          value={max}
          onChange={(e) => setMax(e.target.value)}
          error={maxError !== null && (submitted || max !== '')}
          helperText={maxError && (submitted || max !== '') ? maxError : `1 to ${MAX_PARTICIPANTS_LIMIT}; viewers are not counted`}
          slotProps={{ htmlInput: { inputMode: 'numeric', pattern: '[0-9]*' } }}
        />
        <FormControl>
          <FormLabel id="layout-label">Default layout</FormLabel>
          <RadioGroup row aria-labelledby="layout-label" value={layout} onChange={(e) => setLayout(e.target.value as Layout)}>
            {BUILT_IN_LAYOUTS.map((l) => (
              <FormControlLabel key={l.name} value={l.name} control={<Radio />} label={layoutLabel(l.name)} />
            ))}
          </RadioGroup>
        </FormControl>
        <FormControl>
          <FormControlLabel
            control={<Switch id="auto-record" checked={autoRecord} onChange={(e) => setAutoRecord(e.target.checked)} />}
            label="Record automatically"
          />
          <FormHelperText sx={{ mt: 0 }}>A recording starts when the first person joins</FormHelperText>
        </FormControl>
        <FormControl>
          <FormControlLabel
            control={<Switch id="listed" checked={listed} onChange={(e) => setListed(e.target.checked)} />}
            label={listed ? 'Listed' : 'Private'}
          />
          <FormHelperText sx={{ mt: 0 }}>
            {listed ? 'Every signed-in member can see and join it' : 'Only you, admins and people with an invite link can join'}
          </FormHelperText>
        </FormControl>
        {error && <Alert severity="error">{error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" variant="contained" disabled={busy} data-testid="create-room">
          {busy ? 'Creating…' : 'Create room'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
