import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';

const COLOURS: Record<string, string> = {
  connecting: 'warning.main',
  reconnecting: 'warning.main',
  connected: 'success.main',
  disconnected: 'text.disabled',
};

/** The connection phase in one word (tests read it through data-testid="status"), or why it failed. */
export default function StatusLine({ status }: { status: string }) {
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, minWidth: 0 }}>
      <Box
        aria-hidden
        sx={{ width: 10, height: 10, borderRadius: '50%', flexShrink: 0, bgcolor: COLOURS[status] ?? 'error.main' }}
      />
      <Typography variant="body2" data-testid="status" role="status" noWrap>
        {status}
      </Typography>
    </Box>
  );
}
