import { useCallback, useEffect, useMemo, useState } from 'react';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { deleteRecording, getRecording, listRecordings, listRooms, recordingLink, type Recording } from '../api/http';
import ConfirmDialog from '../components/ConfirmDialog';
import ListPanel from '../components/ListPanel';
import LoadMoreButton from '../components/LoadMoreButton';
import RecordingFilters, { type RoomOption } from '../components/RecordingFilters';
import RecordingPlayerDialog from '../components/RecordingPlayerDialog';
import RecordingsTable from '../components/RecordingsTable';
import { useApiCall } from '../hooks/useApiCall';
import { useAuthContext } from '../hooks/authContext';
import { useConfirmation } from '../hooks/useConfirmation';
import { usePagedList } from '../hooks/usePagedList';
import { EMPTY_FILTER, filterProblem, filterToQuery, formatBytes, formatDuration, isInProgress, type RecordingFilterForm } from '../lib/recordings';

// Finalising a recording takes seconds; look again this often while one is under way.
const REFRESH_INTERVAL_MS = 3000;

/** Recordings: all of them for admins, those of the rooms you own for others. */
export default function RecordingsPage() {
  const run = useApiCall();
  const admin = useAuthContext().session?.user.role === 'admin';
  const [filter, setFilter] = useState<RecordingFilterForm>(EMPTY_FILTER);
  const fetchPage = useCallback((t: string, cursor: string | null) => listRecordings(t, filterToQuery(filter), cursor), [filter]);
  const list = usePagedList('loadRecordings', fetchPage, filterProblem(filter) === null);
  const { items: recordings, setItems: setRecordings, loading, error, setError } = list;
  const [rooms, setRooms] = useState<RoomOption[]>([]);
  const [player, setPlayer] = useState<{ url: string; title: string } | null>(null);
  const removal = useConfirmation(async (r: Recording) => {
    const res = await run('deleteRecording', (t) => deleteRecording(t, r.id));
    if (res.ok) setRecordings((items) => items.filter((item) => item.id !== r.id));
    else setError(res.error);
  });
  const toDelete = removal.target;

  useEffect(() => {
    void run('loadRooms', (t) => listRooms(t)).then((res) => {
      if (res.ok) setRooms(res.value.items.map((r) => ({ id: r.id, name: r.name })));
    });
  }, [run]);

  // Recordings that are running or being finalised change on the server; follow them.
  const pending = recordings.filter(isInProgress).map((r) => r.id).join(',');
  useEffect(() => {
    if (pending === '') return;
    const timer = setInterval(async () => {
      for (const id of pending.split(',')) {
        const res = await run('loadRecordings', (t) => getRecording(t, id));
        if (res.ok) setRecordings((list) => list.map((r) => (r.id === id ? res.value : r)));
      }
    }, REFRESH_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [pending, run]);

  // Rooms that were deleted still have recordings; offer them in the filter too.
  const roomOptions = useMemo(() => {
    const byId = new Map(rooms.map((r) => [r.id, r]));
    for (const r of recordings) if (!byId.has(r.roomId)) byId.set(r.roomId, { id: r.roomId, name: r.roomName || r.roomId });
    if (filter.room && !byId.has(filter.room)) byId.set(filter.room, { id: filter.room, name: filter.room });
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  }, [rooms, recordings, filter.room]);

  const title = (r: Recording) => `${r.roomName || r.roomId}, ${new Date(r.startedAt).toLocaleString()}`;

  const play = async (r: Recording) => {
    const res = await run('playRecording', (t) => recordingLink(t, r.id));
    if (res.ok) setPlayer({ url: res.value.url, title: title(r) });
    else setError(res.error);
  };

  const download = async (r: Recording) => {
    // A plain link cannot carry the bearer token; the signed one can, and the
    // server answers it with Content-Disposition: attachment.
    const res = await run('playRecording', (t) => recordingLink(t, r.id));
    if (!res.ok) {
      setError(res.error);
      return;
    }
    const a = document.createElement('a');
    a.href = res.value.url;
    a.download = `${r.roomName || r.roomId}-${r.startedAt.slice(0, 10)}.mp4`;
    document.body.appendChild(a);
    a.click();
    a.remove();
  };

  return (
    <Box sx={{ display: 'grid', gap: 2 }}>
      <Typography variant="h5" component="h1">
        Recordings
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {admin ? 'Every recording on this server.' : 'Recordings of the rooms you own.'} A recording can be played once it is
        finalised.
      </Typography>
      <Paper sx={{ p: 2 }}>
        <RecordingFilters value={filter} rooms={roomOptions} onChange={setFilter} />
      </Paper>
      <ListPanel list={list} loadingLabel="Loading recordings">
        {!loading && recordings.length === 0 && !error ? (
          <Typography sx={{ p: 2 }} color="text.secondary">
            No recordings{filter !== EMPTY_FILTER ? ' match this filter' : ' yet'}.
          </Typography>
        ) : (
          <RecordingsTable recordings={recordings} onPlay={play} onDownload={download} onDelete={removal.ask} />
        )}
      </ListPanel>
      <LoadMoreButton list={list} />
      <RecordingPlayerDialog url={player?.url ?? null} title={player?.title ?? ''} onClose={() => setPlayer(null)} />
      <ConfirmDialog {...removal.dialog} title="Delete this recording?" confirmLabel="Delete">
        {toDelete && (
          <>
            The recording of <strong>{toDelete.roomName || toDelete.roomId}</strong> from {new Date(toDelete.startedAt).toLocaleString()} (
            {formatDuration(toDelete.durationMs)}, {formatBytes(toDelete.bytes)}) and its file will be deleted. This cannot be undone.
          </>
        )}
      </ConfirmDialog>
    </Box>
  );
}
