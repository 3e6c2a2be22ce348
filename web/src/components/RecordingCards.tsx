import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type { Recording } from '../api/http';
import { formatBytes, formatDuration } from '../lib/recordings';
import RecordingActions, { formatWhen, type RecordingHandlers } from './RecordingActions';
import RecordingStatusChip from './RecordingStatusChip';

/** The recordings as cards, for screens too narrow for the table's columns. */
export default function RecordingCards({ recordings, ...handlers }: RecordingHandlers & { recordings: Recording[] }) {
  return (
    <Box sx={{ display: 'grid', gap: 1, p: 1 }} role="list" aria-label="Recordings">
      {recordings.map((r) => (
        <Paper key={r.id} variant="outlined" sx={{ p: 1.5 }} role="listitem" data-testid="recording-row">
          <Box sx={{ display: 'flex', justifyContent: 'space-between', gap: 1, alignItems: 'center' }}>
            <Typography sx={{ minWidth: 0, overflowWrap: 'anywhere' }}>{r.roomName || r.roomId}</Typography>
            <RecordingStatusChip recording={r} />
          </Box>
          <Typography variant="body2" color="text.secondary">
            {formatWhen(r.startedAt)} · {formatDuration(r.durationMs)} · {formatBytes(r.bytes)}
          </Typography>
          <Box sx={{ display: 'flex', justifyContent: 'flex-end' }}>
            <RecordingActions recording={r} {...handlers} />
          </Box>
        </Paper>
      ))}
    </Box>
  );
}
