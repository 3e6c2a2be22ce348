import type { ReactNode } from 'react';
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
  const toggles = [
    { on: micOn, testId: 'toggle-mic', onClick: onMic, label: micOn ? 'Mute microphone' : 'Unmute microphone', icon: micOn ? <MicIcon /> : <MicOffIcon /> },
    { on: cameraOn, testId: 'toggle-camera', onClick: onCamera, label: cameraOn ? 'Turn camera off' : 'Turn camera on', icon: cameraOn ? <VideocamIcon /> : <VideocamOffIcon /> },
  ];
  return (
    <>
      {toggles.map((t) => (
        <MediaToggle key={t.testId} {...t} disabled={disabled} />
      ))}
    </>
  );
}

interface MediaToggleProps {
  on: boolean;
  /** What a click does, for the tooltip and screen readers. */
  label: string;
  icon: ReactNode;
  onClick: () => void;
  disabled?: boolean;
  testId: string;
}

/** One device's button: pressed (and red) while the device is off. */
function MediaToggle({ on, label, icon, onClick, disabled, testId }: MediaToggleProps) {
  return (
    <Tooltip title={label}>
      {/* A disabled button fires no events; the span keeps the tooltip working. */}
      <span>
        <IconButton
          aria-label={label}
          aria-pressed={!on}
          onClick={onClick}
          disabled={disabled}
          data-testid={testId}
          sx={{ bgcolor: on ? 'action.selected' : 'error.main', '&:hover': { bgcolor: on ? 'action.hover' : 'error.dark' } }}
        >
          {icon}
        </IconButton>
      </span>
    </Tooltip>
  );
}
