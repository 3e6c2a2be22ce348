import { useEffect, useRef, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import type { SxProps, Theme } from '@mui/material/styles';

interface VideoViewProps {
  stream: MediaStream | null;
  /** Bumped when tracks are added to `stream`, which does not change its identity. */
  trackCount?: number;
  muted?: boolean;
  mirrored?: boolean;
  testId: string;
  label: string;
  sx?: SxProps<Theme>;
}

export default function VideoView({ stream, trackCount = 0, muted = false, mirrored = false, testId, label, sx }: VideoViewProps) {
  const ref = useRef<HTMLVideoElement>(null);
  const [blocked, setBlocked] = useState(false);

  useEffect(() => {
    // React sets only the property; the attribute documents the intent in the DOM too.
    if (ref.current) ref.current.defaultMuted = muted;
  }, [muted]);

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    // Re-assigning makes the element pick up tracks added since the last time.
    video.srcObject = stream;
    if (!stream) return;
    video.play().then(
      () => setBlocked(false),
      (err: unknown) => {
        // Autoplay with sound can be refused when the page has had no user
        // gesture (a reload into a room); a click is then needed.
        if (err instanceof DOMException && err.name === 'NotAllowedError') setBlocked(true);
      },
    );
  }, [stream, trackCount]);

  return (
    <Box sx={[{ position: 'relative', bgcolor: 'black', overflow: 'hidden' }, ...(Array.isArray(sx) ? sx : [sx])]}>
      <video
        ref={ref}
        data-testid={testId}
        aria-label={label}
        autoPlay
        playsInline
        muted={muted}
        style={{
          display: 'block',
          width: '100%',
          height: '100%',
          objectFit: 'contain',
          transform: mirrored ? 'scaleX(-1)' : undefined,
        }}
      />
      {blocked && (
        <Button
          variant="contained"
          onClick={() => ref.current?.play().then(() => setBlocked(false), () => {})}
          sx={{ position: 'absolute', top: '50%', left: '50%', transform: 'translate(-50%, -50%)' }}
        >
          Start playback
        </Button>
      )}
    </Box>
  );
}
