import { useRef } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import { useHlsPlayer, type HlsPlayerDeps, type LinkResult } from '../hooks/useHlsPlayer';

interface HlsPreviewProps {
  /** A fresh signed playlist link (POST …/hls/link); asked for again before it expires. */
  getLink: () => Promise<LinkResult>;
  /** Tests pass a fake hls.js. */
  deps?: HlsPlayerDeps;
}

/**
 * A small, muted player of the room's HLS output: what people watching the
 * stream see, some seconds behind the room. Muted, because the room is heard already.
 */
export default function HlsPreview({ getLink, deps }: HlsPreviewProps) {
  const video = useRef<HTMLVideoElement>(null);
  const player = useHlsPlayer(video, getLink, deps);
  return (
    <Box sx={{ display: 'grid', gap: 1, minWidth: 0 }}>
      <Box
        component="video"
        ref={video}
        muted
        controls
        playsInline
        aria-label="HLS preview"
        data-testid="hls-preview"
        data-engine={player.engine ?? ''}
        sx={{ width: '100%', maxWidth: 360, aspectRatio: '16 / 9', bgcolor: 'black', borderRadius: 1, display: 'block' }}
      />
      {player.error && (
        <Alert
          severity="warning"
          action={
            <Button color="inherit" size="small" onClick={player.retry}>
              Try again
            </Button>
          }
        >
          {player.error}
        </Alert>
      )}
    </Box>
  );
}
