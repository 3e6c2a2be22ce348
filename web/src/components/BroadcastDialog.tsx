import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Divider from '@mui/material/Divider';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useTheme } from '@mui/material/styles';
import type { BroadcastState } from '../hooks/useRoomConnection';
import type { HlsPlayerDeps } from '../hooks/useHlsPlayer';
import HlsSection from './HlsSection';
import RtmpSection from './RtmpSection';
import StreamKeySection from './StreamKeySection';

interface BroadcastDialogProps {
  open: boolean;
  onClose: () => void;
  roomId: string;
  /** The owner or an admin: the stream key is theirs to manage; presenters get HLS and RTMP only. */
  manageKey: boolean;
  /** What the room's socket says is on. */
  live: BroadcastState;
  playerDeps?: HlsPlayerDeps;
}

/**
 * Everything that sends the room out or brings a stream in: the stream key
 * for OBS, HLS and an RTMP push. Its parts load when it opens (the dialog
 * mounts them only then); full screen on a phone.
 */
export default function BroadcastDialog({ open, onClose, roomId, manageKey, live, playerDeps }: BroadcastDialogProps) {
  const fullScreen = useMediaQuery(useTheme().breakpoints.down('sm'));
  return (
    <Dialog open={open} onClose={onClose} fullScreen={fullScreen} maxWidth="sm" fullWidth aria-labelledby="broadcast-title">
      <DialogTitle id="broadcast-title">Broadcast</DialogTitle>
      <DialogContent dividers sx={{ display: 'grid', gap: 2, minWidth: 0, overflowX: 'hidden', px: { xs: 2, sm: 3 } }}>
        <HlsSection roomId={roomId} on={live.hls} playerDeps={playerDeps} />
        <Divider />
        <RtmpSection roomId={roomId} socketState={live.rtmp} />
        {manageKey && (
          <>
            <Divider />
            <StreamKeySection roomId={roomId} />
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
