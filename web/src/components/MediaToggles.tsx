import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import MicIcon from '@mui/icons-material/Mic';
import MicOffIcon from '@mui/icons-material/MicOff';
import VideocamIcon from '@mui/icons-material/Videocam';
import VideocamOffIcon from '@mui/icons-material/VideocamOff';

interface MediaTogglesProps {
  micOn: boolean;
  cameraOn: boolean;
  onMic: () => void;
  onCamera: () => void;
  disabled?: boolean;
}

/**
 * Microphone and camera on/off. Turning off sets track.enabled = false: the
 * track keeps flowing as silence and black frames, so nothing is renegotiated
 * and turning it back on is instant.
 */
export default function MediaToggles({ micOn, cameraOn, onMic, onCamera, disabled }: MediaTogglesProps) {
  const micLabel = micOn ? 'Mute microphone' : 'Unmute microphone';
  const camLabel = cameraOn ? 'Turn camera off' : 'Turn camera on';
  return (
    <>
      <Tooltip title={micLabel}>
        <span>
          <IconButton
            aria-label={micLabel}
            aria-pressed={!micOn}
            onClick={onMic}
            disabled={disabled}
            data-testid="toggle-mic"
            sx={{ bgcolor: micOn ? 'action.selected' : 'error.main', '&:hover': { bgcolor: micOn ? 'action.hover' : 'error.dark' } }}
          >
            {micOn ? <MicIcon /> : <MicOffIcon />}
          </IconButton>
        </span>
      </Tooltip>
      <Tooltip title={camLabel}>
        <span>
          <IconButton
            aria-label={camLabel}
            aria-pressed={!cameraOn}
            onClick={onCamera}
            disabled={disabled}
            data-testid="toggle-camera"
            sx={{ bgcolor: cameraOn ? 'action.selected' : 'error.main', '&:hover': { bgcolor: cameraOn ? 'action.hover' : 'error.dark' } }}
          >
            {cameraOn ? <VideocamIcon /> : <VideocamOffIcon />}
          </IconButton>
        </span>
      </Tooltip>
    </>
  );
}
