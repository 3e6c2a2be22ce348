import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import SensorsIcon from '@mui/icons-material/Sensors';
import type { BroadcastState } from '../hooks/useRoomConnection';
import { isLive } from '../lib/broadcast';

/** What goes out, in words, for the tooltip. */
export function describeBroadcast(b: BroadcastState): string {
  const parts: string[] = [];
  if (b.hls) parts.push('as an HLS stream');
  if (b.rtmp === 'live') parts.push('to a streaming platform');
  else if (b.rtmp === 'connecting') parts.push('to a streaming platform (connecting)');
  else if (b.rtmp === 'retrying') parts.push('to a streaming platform (reconnecting)');
  return `This room is broadcast ${parts.join(' and ')}.`;
}

/** Everyone in the room sees that it goes out beyond the room. */
export default function LiveBadge({ broadcast }: { broadcast: BroadcastState }) {
  if (!isLive(broadcast)) return null;
  const text = describeBroadcast(broadcast);
  return (
    <Tooltip title={text}>
      <Chip
        icon={<SensorsIcon />}
        label="LIVE"
        color="error"
        size="small"
        variant={broadcast.hls || broadcast.rtmp === 'live' ? 'filled' : 'outlined'}
        data-testid="live-indicator"
        aria-label={text}
        aria-live="polite"
      />
    </Tooltip>
  );
}
