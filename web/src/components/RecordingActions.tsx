import IconButton from '@mui/material/IconButton';
import DeleteIcon from '@mui/icons-material/Delete';
import DownloadIcon from '@mui/icons-material/Download';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import type { Recording } from '../api/http';
import { isInProgress, isPlayable } from '../lib/recordings';

export interface RecordingHandlers {
  onPlay: (r: Recording) => void;
  onDownload: (r: Recording) => void;
  onDelete: (r: Recording) => void;
}

export const formatWhen = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Play, download, delete: the file only once it is finalised, deletion once it has stopped. */
export default function RecordingActions({ recording: r, onPlay, onDownload, onDelete }: RecordingHandlers & { recording: Recording }) {
  const what = `the recording of ${r.roomName || r.roomId} from ${formatWhen(r.startedAt)}`;
  const playable = isPlayable(r);
  return (
    <>
      <IconButton aria-label={`Play ${what}`} disabled={!playable} onClick={() => onPlay(r)}>
        <PlayArrowIcon />
      </IconButton>
      <IconButton aria-label={`Download ${what}`} disabled={!playable} onClick={() => onDownload(r)}>
        <DownloadIcon />
      </IconButton>
      <IconButton aria-label={`Delete ${what}`} disabled={isInProgress(r)} onClick={() => onDelete(r)}>
        <DeleteIcon />
      </IconButton>
    </>
  );
}
