import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import { Link as RouterLink } from 'react-router';
import { createRoom, deleteRoom, listRooms, type NewRoom, type Room } from '../api/http';
import ConfirmDialog from '../components/ConfirmDialog';
import CreateRoomDialog from '../components/CreateRoomDialog';
import InviteButton from '../components/InviteButton';
import JoinByLinkForm from '../components/JoinByLinkForm';
import LoadMoreButton from '../components/LoadMoreButton';
import RoomList from '../components/RoomList';
import SecureContextNotice from '../components/SecureContextNotice';
import { useApiCall } from '../hooks/useApiCall';
import { useAuthContext } from '../hooks/authContext';
import { useConfirmation } from '../hooks/useConfirmation';
import { usePagedList } from '../hooks/usePagedList';
import { joinPath } from '../lib/joinLink';

/** The signed-in home: my rooms, listed rooms, a new room, join by link. */
export default function LobbyPage() {
  const run = useApiCall();
  const user = useAuthContext().session?.user;
  const list = usePagedList('loadRooms', listRooms);
  const { items: rooms, setItems: setRooms, loading, error, setError, load } = list;
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Room | null>(null);
  const removal = useConfirmation(async (room: Room) => {
    const res = await run('deleteRoom', (t) => deleteRoom(t, room.id));
    if (res.ok) {
      setRooms((items) => items.filter((r) => r.id !== room.id));
      if (created?.id === room.id) setCreated(null);
    } else setError(res.error);
  });
  const toDelete = removal.target;

  const create = async (settings: NewRoom): Promise<string | null> => {
    const res = await run('createRoom', (t) => createRoom(t, settings));
    if (!res.ok) return res.error;
    setRooms((list) => [res.value, ...list]);
    setCreated(res.value);
    setCreating(false);
    return null;
  };

  const mine = rooms.filter((r) => r.ownerId === user?.id);
  const others = rooms.filter((r) => r.ownerId !== user?.id);
  const canManage = (r: Room) => r.ownerId === user?.id || user?.role === 'admin';

  return (
    <Box sx={{ display: 'grid', gap: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h1" sx={{ flex: '1 1 auto' }}>
          Rooms
        </Typography>
        <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)} data-testid="new-room">
          New room
        </Button>
      </Box>
      <SecureContextNotice />
      {created && (
        <Alert
          severity="success"
          data-testid="room-created"
          onClose={() => setCreated(null)}
          action={
            <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
              <InviteButton roomId={created.id} roomName={created.name} />
              <Button size="small" variant="contained" component={RouterLink} to={joinPath({ room: created.id, invite: null, viewer: false })}>
                Join now
              </Button>
            </Box>
          }
        >
          Room “{created.name}” created.
        </Alert>
      )}
      {error && (
        <Alert severity="error" action={<Button onClick={() => load(null)}>Retry</Button>}>
          {error}
        </Alert>
      )}
      <Paper sx={{ p: 2 }}>
        <JoinByLinkForm />
      </Paper>
      <Paper aria-busy={loading} sx={{ overflow: 'hidden' }}>
        <Typography variant="subtitle1" component="h2" sx={{ px: 2, pt: 1.5 }}>
          My rooms
        </Typography>
        {loading && rooms.length === 0 ? (
          <LinearProgress aria-label="Loading rooms" sx={{ m: 2 }} />
        ) : (
          <RoomList rooms={mine} canManage={canManage} onDelete={removal.ask} emptyText="You own no rooms yet. Create one with “New room”." testId="my-rooms" />
        )}
      </Paper>
      <Paper aria-busy={loading} sx={{ overflow: 'hidden' }}>
        <Typography variant="subtitle1" component="h2" sx={{ px: 2, pt: 1.5 }}>
          {user?.role === 'admin' ? 'Other rooms' : 'Listed rooms'}
        </Typography>
        {loading && rooms.length === 0 ? (
          <LinearProgress aria-label="Loading rooms" sx={{ m: 2 }} />
        ) : (
          <RoomList rooms={others} canManage={canManage} onDelete={removal.ask} emptyText="No other rooms are listed." testId="listed-rooms" />
        )}
      </Paper>
      <LoadMoreButton list={list} label="Load more rooms" />
      <CreateRoomDialog open={creating} onClose={() => setCreating(false)} onCreate={create} />
      <ConfirmDialog {...removal.dialog} title="Delete this room?" confirmLabel="Delete room">
        {toDelete && (
          <>
            <strong>{toDelete.name}</strong> will be deleted and anyone in it disconnected. Its invite links stop working. Its recordings are
            kept.
          </>
        )}
      </ConfirmDialog>
    </Box>
  );
}
