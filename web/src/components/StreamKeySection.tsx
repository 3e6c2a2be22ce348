import { useCallback, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import KeyIcon from '@mui/icons-material/Key';
import { createStreamKey, deleteStreamKey, getStreamKey, type StreamKey, type StreamKeyState } from '../api/http';
import { useSectionAction } from '../hooks/useSectionAction';
import { useConfirmation } from '../hooks/useConfirmation';
import { whipUrl } from '../lib/broadcast';
import ConfirmDialog from './ConfirmDialog';
import CopyField from './CopyField';
import { formatWhen } from './RecordingActions';

/**
 * The room's stream key for OBS and other WHIP encoders (docs/obs.md): make,
 * replace or revoke it. A new key is shown once, here, with the WHIP URL.
 */
export default function StreamKeySection({ roomId }: { roomId: string }) {
  const { busy, error, clearError, read, act, quietly } = useSectionAction();
  const [state, setState] = useState<StreamKeyState | null>(null);
  const [fresh, setFresh] = useState<StreamKey | null>(null);

  const load = useCallback(async () => {
    const res = await read('streamKey', (t) => getStreamKey(t, roomId));
    if (res) setState(res.value);
  }, [read, roomId]);

  useEffect(() => {
    load();
  }, [load]);

  const create = async () => {
    const res = await act('streamKey', (t) => createStreamKey(t, roomId));
    if (res) {
      setFresh(res.value);
      setState({ exists: true, createdAt: res.value.createdAt });
    }
  };

  const revoke = async () => {
    const res = await quietly('streamKey', (t) => deleteStreamKey(t, roomId));
    if (res) {
      setFresh(null);
      setState({ exists: false, createdAt: null });
    }
  };

  const confirmation = useConfirmation<'replace' | 'revoke'>(async (what) => {
    if (what === 'replace') await create();
    else await revoke();
  });

  const exists = state?.exists ?? false;
  return (
    <Box component="section" aria-labelledby="stream-key-title" sx={{ display: 'grid', gap: 1, minWidth: 0 }}>
      <Typography id="stream-key-title" variant="subtitle1" component="h3">
        Stream key for OBS (WHIP)
      </Typography>
      <Typography variant="body2" color="text.secondary">
        An encoder such as OBS publishes into this room as a presenter: in OBS choose the service WHIP, paste the URL as
        the server and the key as the bearer token.
      </Typography>
      <CopyField id="whip-url" label="WHIP URL" value={whipUrl(window.location.origin, roomId)} />
      {fresh && (
        <Alert severity="success" sx={{ minWidth: 0, '& .MuiAlert-message': { minWidth: 0, flex: 1 } }}>
          Copy this key now: it is shown only once.
          <CopyField id="stream-key" label="Stream key" value={fresh.key} />
        </Alert>
      )}
      <Typography variant="body2" data-testid="stream-key-state">
        {state === null
          ? 'Checking for a key…'
          : exists
            ? state.createdAt
              ? `The room has had a key since ${formatWhen(state.createdAt)}.`
              : 'The room has a key.'
            : 'The room has no stream key.'}
      </Typography>
      {error && (
        <Alert severity="error" onClose={clearError}>
          {error}
        </Alert>
      )}
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        <Button
          variant="outlined"
          startIcon={<KeyIcon />}
          disabled={busy || state === null}
          onClick={() => (exists ? confirmation.ask('replace') : create())}
        >
          {busy ? 'Making a key…' : exists ? 'Replace key' : 'Create key'}
        </Button>
        {exists && (
          <Button color="error" disabled={busy} onClick={() => confirmation.ask('revoke')}>
            Revoke key
          </Button>
        )}
      </Box>
      <ConfirmDialog
        {...confirmation.dialog}
        title={confirmation.target === 'revoke' ? 'Revoke the stream key?' : 'Replace the stream key?'}
        confirmLabel={confirmation.target === 'revoke' ? 'Revoke' : 'Replace'}
      >
        {confirmation.target === 'revoke'
          ? 'No encoder can start a stream into this room any more until a new key is made.'
          : 'The current key stops working: encoders that use it cannot start a stream any more (one already running carries on). The new key is shown once.'}
      </ConfirmDialog>
    </Box>
  );
}
