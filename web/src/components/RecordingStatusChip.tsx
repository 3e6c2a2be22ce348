import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Tooltip from '@mui/material/Tooltip';
import type { Recording } from '../api/http';
import { isInProgress, STATUS_LABEL } from '../lib/recordings';

const STATUS_COLOUR = {
  recording: 'error',
  finalizing: 'warning',
  ready: 'success',
  recovered: 'info',
  failed: 'default',
} as const;

/** The status in a word; a spinner while it is still changing, the reason on a failed one. */
export default function RecordingStatusChip({ recording: r }: { recording: Recording }) {
  return (
    <Tooltip title={r.status === 'failed' && r.error ? r.error : ''}>
      <Chip
        size="small"
        color={STATUS_COLOUR[r.status] ?? 'default'}
        label={STATUS_LABEL[r.status] ?? r.status}
        icon={isInProgress(r) ? <CircularProgress size={12} color="inherit" aria-hidden /> : undefined}
      />
    </Tooltip>
  );
}
