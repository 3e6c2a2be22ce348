import { lazy, Suspense, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Snackbar from '@mui/material/Snackbar';
import Typography from '@mui/material/Typography';
import CallEndIcon from '@mui/icons-material/CallEnd';
import CellTowerIcon from '@mui/icons-material/CellTower';
import FiberManualRecordIcon from '@mui/icons-material/FiberManualRecord';
import type { LayoutInfo, Room } from '../api/http';
import type { Role } from '../api/protocol';
import InviteButton from '../components/InviteButton';
import LiveBadge from '../components/LiveBadge';
import MediaToggles from '../components/MediaToggles';
import QualityIndicator from '../components/QualityIndicator';
import LayoutMenu from '../components/LayoutMenu';
import QualityMenu from '../components/QualityMenu';
import RosterList from '../components/RosterList';
import StatusLine from '../components/StatusLine';
import VideoView from '../components/VideoView';
import { useConnectionQuality } from '../hooks/useConnectionQuality';
import { useRoomConnection, type RoomConnectionDeps } from '../hooks/useRoomConnection';

// Only the owner, admins and presenters open it, and only sometimes: it loads on first use.
const BroadcastDialog = lazy(() => import('../components/BroadcastDialog'));

interface RoomPageProps {
  room: string;
  /** The stored room (name, owner, layout), when the API let us read it; guests cannot. */
  roomInfo: Room | null;
  name: string;
  role: Role;
  localStream: MediaStream | null;
  token: string;
  guest: boolean;
  /** The signed-in account is an admin (who may do what the owner may). */
  admin: boolean;
  micOn: boolean;
  cameraOn: boolean;
  onMic: () => void;
  onCamera: () => void;
  /** The layouts the room can use (the layout menu's choices). */
  layouts: LayoutInfo[];
  onLeft: (why: string | null) => void;
  onAuthFailed: (message: string) => void;
  /** The socket and peer connection; tests pass fakes. */
  connectionDeps?: RoomConnectionDeps;
}

export default function RoomPage(props: RoomPageProps) {
  const { room, roomInfo, name, role, localStream, token, guest, admin, layouts, onAuthFailed } = props;
  const conn = useRoomConnection({ room, name, role, localStream, token, guest, onAuthFailed }, props.connectionDeps);
  const quality = useConnectionQuality(conn.getStats, conn.phase === 'connected');
  const title = roomInfo?.name || conn.roomName || room;
  const [reconnectedNote, setReconnectedNote] = useState(false);
  const [broadcastOpen, setBroadcastOpen] = useState(false);
  const [broadcastUsed, setBroadcastUsed] = useState(false);

  useEffect(() => {
    if (conn.reconnections > 0) setReconnectedNote(true);
  }, [conn.reconnections]);

  // A join refused outright (room full, private room, camera codec) goes back
  // to the join form, which says why; a call that had worked stays here to rejoin.
  const [wasConnected, setWasConnected] = useState(false);
  const { onLeft } = props;
  useEffect(() => {
    if (conn.phase === 'connected') setWasConnected(true);
    else if (conn.phase === 'disconnected' && conn.error && !wasConnected) onLeft(conn.error);
  }, [conn.phase, conn.error, wasConnected, onLeft]);

  // The room marks our tile muted and shows our placeholder while the camera is off.
  const { tellMediaState } = conn;
  useEffect(() => {
    if (role !== 'viewer') tellMediaState(props.micOn, props.cameraOn);
  }, [tellMediaState, props.micOn, props.cameraOn, role]);

  const owner = conn.selfRole === 'owner';
  // The server checks every one of these again; the page only hides what would be refused.
  const mayManage = owner || admin;
  const mayRecord = mayManage || conn.selfRole === 'presenter';
  const viewer = role === 'viewer';
  // The broadcast API takes a session token; a guest's invite token does not open it.
  const mayBroadcast = mayRecord && !guest;

  const openBroadcast = () => {
    setBroadcastUsed(true);
    setBroadcastOpen(true);
  };

  const leave = () => {
    conn.leave();
    props.onLeft(null);
  };

  return (
    <Box
      // minmax(0, …): a long room name is cut short instead of widening the page past a phone's screen.
      sx={{
        p: { xs: 1, sm: 2 },
        display: 'grid',
        gridTemplateColumns: 'minmax(0, 1fr)',
        gap: { xs: 1, sm: 2 },
        maxWidth: 1600,
        mx: 'auto',
      }}
      component="main"
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="h6" component="h1" noWrap sx={{ flex: '1 1 auto', minWidth: 0 }} title={title}>
          {title}
        </Typography>
        {viewer && <Chip label="Watching" size="small" variant="outlined" />}
        <LiveBadge broadcast={conn.broadcast} />
        {conn.recording && (
          <Chip
            icon={<FiberManualRecordIcon />}
            label="Recording"
            color="error"
            size="small"
            data-testid="recording-indicator"
            aria-live="polite"
          />
        )}
        <StatusLine status={conn.status} />
        {conn.phase === 'connected' && <QualityIndicator quality={quality} />}
      </Box>
      {conn.phase === 'reconnecting' && (
        <Alert
          severity="warning"
          data-testid="reconnecting"
          action={
            <Button color="inherit" size="small" onClick={conn.reconnectNow}>
              Try now
            </Button>
          }
        >
          The connection was lost. Reconnecting (attempt {conn.reconnectAttempt})…
        </Alert>
      )}
      {conn.phase === 'disconnected' && conn.error && (
        <Alert
          severity="error"
          action={
            <Box sx={{ display: 'flex', gap: 1 }}>
              <Button color="inherit" size="small" onClick={conn.reconnectNow}>
                Rejoin
              </Button>
              <Button color="inherit" size="small" onClick={() => props.onLeft(conn.error)}>
                Back
              </Button>
            </Box>
          }
        >
          {conn.error}
        </Alert>
      )}
      <Box sx={{ display: 'grid', gap: { xs: 1, sm: 2 }, gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'minmax(0, 1fr) 280px' } }}>
        <Box sx={{ position: 'relative' }}>
          {/* Not muted: the composite carries the room's audio mix (without our own voice). */}
          <VideoView
            stream={conn.remoteStream}
            trackCount={conn.remoteTrackCount}
            testId="composite"
            label="The room"
            sx={{ aspectRatio: '16 / 9', width: '100%', borderRadius: 1 }}
          />
          {localStream && (
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
                width: { xs: '30%', sm: '20%' },
                aspectRatio: '16 / 9',
                borderRadius: 1,
                border: 1,
                borderColor: 'divider',
                opacity: props.cameraOn ? 1 : 0.4,
              }}
            />
          )}
        </Box>
        <Paper variant="outlined" sx={{ alignSelf: 'start' }}>
          <RosterList
            participants={conn.roster}
            selfId={conn.selfId}
            viewers={conn.viewers}
            speaking={conn.speaking}
            activeSpeaker={conn.activeSpeaker}
            onSetRole={mayManage && conn.phase === 'connected' ? conn.setRole : undefined}
          />
        </Paper>
      </Box>
      <Paper
        sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 1, flexWrap: 'wrap', p: 1 }}
        role="toolbar"
        aria-label="Call controls"
      >
        {!viewer && <MediaToggles micOn={props.micOn} cameraOn={props.cameraOn} onMic={props.onMic} onCamera={props.onCamera} />}
        {mayRecord && (
          <Button
            variant="outlined"
            color={conn.recording ? 'error' : 'primary'}
            startIcon={<FiberManualRecordIcon />}
            onClick={() => conn.controlRecording(conn.recording ? 'stop' : 'start')}
            disabled={conn.phase !== 'connected'}
            data-testid="record-toggle"
          >
            {conn.recording ? 'Stop recording' : 'Start recording'}
          </Button>
        )}
        <QualityMenu
          // Only a receiver of the H.264 ladder is told its rendition; a VP8 one has nothing to pick.
          renditions={conn.rendition ? conn.renditions : null}
          current={conn.rendition}
          choice={conn.renditionChoice}
          onChoose={conn.chooseRendition}
          disabled={conn.phase !== 'connected'}
        />
        {mayBroadcast && (
          <Button variant="outlined" startIcon={<CellTowerIcon />} onClick={openBroadcast} data-testid="broadcast-open">
            Broadcast
          </Button>
        )}
        {mayRecord && (
          <LayoutMenu
            layouts={layouts}
            current={conn.layout}
            onChoose={conn.changeLayout}
            disabled={conn.phase !== 'connected'}
          />
        )}
        {mayManage && !guest && <InviteButton roomId={room} roomName={roomInfo?.name ?? room} size="medium" />}
        <Button variant="contained" color="error" startIcon={<CallEndIcon />} onClick={leave} data-testid="leave">
          Leave
        </Button>
      </Paper>
      {mayBroadcast && broadcastUsed && (
        <Suspense fallback={null}>
          <BroadcastDialog
            open={broadcastOpen}
            onClose={() => setBroadcastOpen(false)}
            roomId={room}
            manageKey={mayManage}
            live={conn.broadcast}
          />
        </Suspense>
      )}
      <Snackbar
        open={reconnectedNote}
        autoHideDuration={4000}
        onClose={() => setReconnectedNote(false)}
        message="Reconnected"
      />
      <Snackbar open={conn.notice !== null} autoHideDuration={6000} onClose={conn.dismissNotice}>
        <Alert severity="warning" onClose={conn.dismissNotice} variant="filled">
          {conn.notice}
        </Alert>
      </Snackbar>
    </Box>
  );
}
