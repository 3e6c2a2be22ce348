import { useCallback, useEffect, useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import VisibilityIcon from '@mui/icons-material/Visibility';
import VisibilityOffIcon from '@mui/icons-material/VisibilityOff';
import { getRtmp, startRtmp, stopRtmp, type RtmpState } from '../api/http';
import type { RtmpBroadcastState } from '../api/protocol';
import { useSectionAction } from '../hooks/useSectionAction';
import { usePolling } from '../hooks/usePolling';
import { rtmpKeyProblem, rtmpPhaseLabel, rtmpServerProblem, rtmpUrl } from '../lib/broadcast';

/** How often the push's state is read while the panel is open and it runs. */
export const RTMP_POLL_MS = 3_000;

interface RtmpSectionProps {
  roomId: string;
  /** The push as the room's socket last said; a change reloads the state. */
  socketState: RtmpBroadcastState;
}

const CHIP_COLOUR = { connecting: 'warning', live: 'error', retrying: 'warning' } as const;

/** Pushes the room to a streaming platform (YouTube, Twitch, …) over RTMP. */
export default function RtmpSection({ roomId, socketState }: RtmpSectionProps) {
  const { busy, error, clearError, read, act } = useSectionAction();
  const [state, setState] = useState<RtmpState | null>(null);
  const [server, setServer] = useState('');
  const [key, setKey] = useState('');
  const [showKey, setShowKey] = useState(false);
  const [submitted, setSubmitted] = useState(false);

  const load = useCallback(async () => {
    const res = await read('loadBroadcast', (t) => getRtmp(t, roomId));
    if (res) setState(res.value);
  }, [read, roomId]);

  useEffect(() => {
    load();
  }, [load, socketState]);

  const active = state?.active ?? false;
  usePolling(load, RTMP_POLL_MS, active);

  const serverError = rtmpServerProblem(server);
  const keyError = rtmpKeyProblem(key);

  const start = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (serverError || keyError || busy) return;
    const res = await act('startRtmp', (t) => startRtmp(t, roomId, rtmpUrl(server, key)));
    if (res) setState(res.value);
    else load();
  };

  const stop = async () => {
    const res = await act('stopRtmp', (t) => stopRtmp(t, roomId));
    if (res) setState({ active: false, state: null, target: null, attempts: 0, lastError: null, retryInMs: null });
    else load();
  };

  return (
    <Box
      component="form"
      onSubmit={start}
      noValidate
      aria-labelledby="rtmp-title"
      sx={{ display: 'grid', gap: 1, minWidth: 0 }}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography id="rtmp-title" variant="subtitle1" component="h3" sx={{ flex: '1 1 auto' }}>
          Stream to a platform (RTMP)
        </Typography>
        <Chip
          size="small"
          data-testid="rtmp-state"
          label={state === null ? '…' : state.state ? rtmpPhaseLabel(state.state) : 'Off'}
          color={state?.state ? CHIP_COLOUR[state.state] : 'default'}
        />
      </Box>
      {active && state ? (
        <Box sx={{ display: 'grid', gap: 0.5, minWidth: 0 }} data-testid="rtmp-details">
          {state.target && (
            <Typography variant="body2" sx={{ overflowWrap: 'anywhere' }}>
              To {state.target}
            </Typography>
          )}
          {state.attempts > 1 && <Typography variant="body2">Attempt {state.attempts}</Typography>}
          {state.state === 'retrying' && state.retryInMs !== null && (
            <Typography variant="body2">Next try in {Math.max(1, Math.round(state.retryInMs / 1000))} s</Typography>
          )}
          {state.lastError && (
            <Typography variant="body2" color="warning.main" sx={{ overflowWrap: 'anywhere' }}>
              Last error: {state.lastError}
            </Typography>
          )}
        </Box>
      ) : (
        <>
          <Typography variant="body2" color="text.secondary">
            Copy the server address and the stream key from the platform&apos;s live settings.
          </Typography>
          <TextField
            id="rtmp-server"
            label="Server address"
            placeholder="rtmp://live.example.com/app"
            value={server}
            onChange={(e) => setServer(e.target.value)}
            error={submitted && serverError !== null}
            helperText={submitted ? serverError : undefined}
            size="small"
            fullWidth
            disabled={busy}
            slotProps={{ htmlInput: { spellCheck: false, autoCapitalize: 'none', inputMode: 'url' } }}
          />
          <TextField
            id="rtmp-key"
            label="Stream key"
            type={showKey ? 'text' : 'password'}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            error={submitted && keyError !== null}
            helperText={submitted && keyError ? keyError : 'Added to the end of the address; leave empty if the address has it.'}
            size="small"
            fullWidth
            disabled={busy}
            autoComplete="off"
            slotProps={{
              htmlInput: { spellCheck: false, autoCapitalize: 'none' },
              input: {
                endAdornment: (
                  <InputAdornment position="end">
                    <IconButton
                      edge="end"
                      onClick={() => setShowKey((s) => !s)}
                      aria-label={showKey ? 'Hide the stream key' : 'Show the stream key'}
                    >
                      {showKey ? <VisibilityOffIcon fontSize="small" /> : <VisibilityIcon fontSize="small" />}
                    </IconButton>
                  </InputAdornment>
                ),
              },
            }}
          />
        </>
      )}
      {error && (
        <Alert severity="error" onClose={clearError}>
          {error}
        </Alert>
      )}
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        {active ? (
          <Button variant="outlined" color="error" onClick={stop} disabled={busy}>
            {busy ? 'Working…' : 'Stop streaming'}
          </Button>
        ) : (
          <Button type="submit" variant="outlined" disabled={busy || state === null}>
            {busy ? 'Working…' : 'Start streaming'}
          </Button>
        )}
      </Box>
    </Box>
  );
}
