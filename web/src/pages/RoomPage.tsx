import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import RosterList from '../components/RosterList';
import StatusLine from '../components/StatusLine';
import VideoView from '../components/VideoView';
import { useRoomConnection } from '../hooks/useRoomConnection';

interface RoomPageProps {
  room: string;
  name: string;
  localStream: MediaStream;
  token: string;
  guest: boolean;
  onLeft: () => void;
  onAuthFailed: (message: string) => void;
}

export default function RoomPage({ room, name, localStream, token, guest, onLeft, onAuthFailed }: RoomPageProps) {
  const conn = useRoomConnection({ room, name, localStream, token, guest, onAuthFailed });
  // Presenters and the owner control recording (the server checks again, and admins too).
  const myRole = conn.roster.find((p) => p.id === conn.selfId)?.role;
  const mayRecord = myRole === 'owner' || myRole === 'presenter';
  const [copied, setCopied] = useState(false);

  const leave = () => {
    conn.leave();
    onLeft();
  };

  const copyLink = () => {
    const link = `${window.location.origin}/?room=${encodeURIComponent(room)}`;
    navigator.clipboard?.writeText(link).then(() => setCopied(true), () => {});
  };

  return (
    <Box sx={{ p: { xs: 1, sm: 2 }, display: 'grid', gap: { xs: 1, sm: 2 }, maxWidth: 1600, mx: 'auto' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="h6" component="h1" noWrap sx={{ flex: '1 1 auto', minWidth: 0 }}>
          {room}
        </Typography>
        {conn.recording && (
          <Chip
            label="● Recording"
            color="error"
            size="small"
            data-testid="recording-indicator"
            aria-live="polite"
          />
        )}
        <StatusLine status={conn.status} />
        {mayRecord && (
          <Button
            size="small"
            variant="outlined"
            color={conn.recording ? 'error' : 'primary'}
            onClick={() => conn.controlRecording(conn.recording ? 'stop' : 'start')}
            data-testid="record-toggle"
          >
            {conn.recording ? 'Stop recording' : 'Start recording'}
          </Button>
        )}
        {/* The plain room link admits signed-in members only; a guest came in by an invite. */}
        {!guest && (
          <Button size="small" onClick={copyLink}>
            {copied ? 'Link copied' : 'Copy room link'}
          </Button>
        )}
        <Button variant="contained" color="error" onClick={leave} data-testid="leave">
          Leave
        </Button>
      </Box>
      {conn.error && <Alert severity="error">{conn.error}</Alert>}
      <Box sx={{ display: 'grid', gap: { xs: 1, sm: 2 }, gridTemplateColumns: { xs: '1fr', md: '1fr 280px' } }}>
        <Box sx={{ position: 'relative' }}>
          {/* Not muted: the composite carries the room's audio mix (without our own voice). */}
          <VideoView
            stream={conn.remoteStream}
            trackCount={conn.remoteTrackCount}
            testId="composite"
            label="Room"
            sx={{ aspectRatio: '16 / 9', width: '100%', borderRadius: 1 }}
          />
          <VideoView
            stream={localStream}
            muted
            mirrored
            testId="self-view"
            label="Your camera"
            sx={{
              position: 'absolute',
              right: 8,
              bottom: 8,
              width: { xs: '30%', sm: '22%' },
              aspectRatio: '16 / 9',
              borderRadius: 1,
              border: 1,
              borderColor: 'divider',
            }}
          />
        </Box>
        <Paper variant="outlined" sx={{ alignSelf: 'start' }}>
          <RosterList participants={conn.roster} selfId={conn.selfId} />
        </Paper>
      </Box>
    </Box>
  );
}
