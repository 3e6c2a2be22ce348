import { useCallback, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import LinkIcon from '@mui/icons-material/Link';
import { getHls, hlsLink, startHls, stopHls, type HlsState, type SignedLink } from '../api/http';
import { useApiCall } from '../hooks/useApiCall';
import { useSectionAction } from '../hooks/useSectionAction';
import type { HlsPlayerDeps } from '../hooks/useHlsPlayer';
import { absoluteUrl } from '../lib/broadcast';
import CopyField from './CopyField';
import HlsPreview from './HlsPreview';
import { formatWhen } from './RecordingActions';

interface HlsSectionProps {
  roomId: string;
  /** HLS as the room's socket last said; a change reloads the state. */
  on: boolean;
  playerDeps?: HlsPlayerDeps;
}

const timeOf = (iso: string) => {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : at.toLocaleTimeString(undefined, { timeStyle: 'short' });
};

/** HLS for large audiences: start and stop, a fresh viewer link to copy, and a preview. */
export default function HlsSection({ roomId, on, playerDeps }: HlsSectionProps) {
  const run = useApiCall();
  const { busy, error, clearError, read, act, quietly } = useSectionAction();
  const [state, setState] = useState<HlsState | null>(null);
  const [link, setLink] = useState<SignedLink | null>(null);

  const load = useCallback(async () => {
    const res = await read('loadBroadcast', (t) => getHls(t, roomId));
    if (res) setState(res.value);
  }, [read, roomId]);

  useEffect(() => {
    load();
  }, [load, on]);

  const getLink = useCallback(() => run('hlsLink', (t) => hlsLink(t, roomId)), [run, roomId]);

  const toggle = async () => {
    if (!state) return;
    const res = state.active
      ? await act('stopHls', (t) => stopHls(t, roomId))
      : await act('startHls', (t) => startHls(t, roomId));
    if (!res) {
      // Someone else may have started or stopped it meanwhile (409): show what is so now.
      load();
    } else if (res.value) {
      setState(res.value);
    } else {
      setState({ active: false, startedAt: null });
      setLink(null);
    }
  };

  const copyLink = async () => {
    const res = await quietly('hlsLink', (t) => hlsLink(t, roomId));
    if (!res) return;
    const value = { ...res.value, url: absoluteUrl(res.value.url, window.location.origin) };
    setLink(value);
    navigator.clipboard?.writeText(value.url).catch(() => {});
  };

  const active = state?.active ?? false;
  const until = link ? timeOf(link.expiresAt) : null;
  return (
    <Box component="section" aria-labelledby="hls-title" sx={{ display: 'grid', gap: 1, minWidth: 0 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography id="hls-title" variant="subtitle1" component="h3" sx={{ flex: '1 1 auto' }}>
          HLS stream
        </Typography>
        <Chip
          size="small"
          label={state === null ? '…' : active ? 'On' : 'Off'}
          color={active ? 'error' : 'default'}
          data-testid="hls-state"
        />
      </Box>
      <Typography variant="body2" color="text.secondary">
        {active && state?.startedAt
          ? `Running since ${formatWhen(state.startedAt)}. Players fetch it over plain HTTP, some seconds behind the room.`
          : 'For large audiences: any HLS player (Safari, VLC, a web player) can watch the room, some seconds behind it.'}
      </Typography>
      {error && (
        <Alert severity="error" onClose={clearError}>
          {error}
        </Alert>
      )}
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        <Button variant="outlined" color={active ? 'error' : 'primary'} disabled={busy || state === null} onClick={toggle}>
          {busy ? 'Working…' : active ? 'Stop HLS' : 'Start HLS'}
        </Button>
        {active && (
          <Button startIcon={<LinkIcon />} onClick={copyLink}>
            Copy viewer link
          </Button>
        )}
      </Box>
      {active && link && (
        <CopyField
          id="hls-viewer-link"
          label="Viewer link"
          value={link.url}
          hint={until ? `Works until ${until}; copy a new one for later viewers.` : undefined}
        />
      )}
      {active && <HlsPreview getLink={getLink} deps={playerDeps} />}
    </Box>
  );
}
