import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';

interface RecordingPlayerDialogProps {
  /** A signed link from POST /api/recordings/{id}/link; null when closed. */
  url: string | null;
  title: string;
  onClose: () => void;
}

/** Plays a recording in the page; the signed link works without the bearer header and supports seeking (HTTP Range). */
export default function RecordingPlayerDialog({ url, title, onClose }: RecordingPlayerDialogProps) {
  return (
    <Dialog open={url !== null} onClose={onClose} maxWidth="md" fullWidth aria-labelledby="player-title">
      <DialogTitle id="player-title">{title}</DialogTitle>
      <DialogContent>
        {url && (
          <video
            src={url}
            controls
            autoPlay
            aria-label={title}
            data-testid="recording-player"
            style={{ width: '100%', maxHeight: '70vh', background: 'black' }}
          />
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
