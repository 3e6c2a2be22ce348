import { layoutLabel } from '../lib/layouts';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Typography from '@mui/material/Typography';
import DeleteIcon from '@mui/icons-material/Delete';
import VisibilityIcon from '@mui/icons-material/Visibility';
import VideocamIcon from '@mui/icons-material/Videocam';
import { Link as RouterLink } from 'react-router';
import type { Room } from '../api/http';
import { joinPath } from '../lib/joinLink';
import InviteButton from './InviteButton';

interface RoomListProps {
  rooms: Room[];
  /** Whether the signed-in user may invite to and delete a room (its owner, or an admin). */
  canManage: (room: Room) => boolean;
  onDelete: (room: Room) => void;
  emptyText: string;
  testId: string;
}

// Room names come from other users: React renders them as text, never as markup.
export default function RoomList({ rooms, canManage, onDelete, emptyText, testId }: RoomListProps) {
  if (rooms.length === 0) {
    return (
      <Typography color="text.secondary" sx={{ px: 2, py: 1.5 }} data-testid={testId}>
        {emptyText}
      </Typography>
    );
  }
  return (
    <List data-testid={testId} disablePadding>
      {rooms.map((room) => (
        <ListItem key={room.id} divider sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'center' }} data-testid="room-item">
          <Box sx={{ flex: '1 1 200px', minWidth: 0 }}>
            <Typography noWrap title={room.name}>
              {room.name}
            </Typography>
            <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap', mt: 0.5 }}>
              <Chip size="small" variant="outlined" label={room.listed ? 'Listed' : 'Private'} />
              <Chip size="small" variant="outlined" label={`${layoutLabel(room.layout)} layout`} />
              <Chip size="small" variant="outlined" label={`Up to ${room.maxParticipants}`} />
              {room.autoRecord && <Chip size="small" color="error" variant="outlined" label="Auto-record" />}
            </Box>
          </Box>
          <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap', alignItems: 'center' }}>
            <Button
              component={RouterLink}
              to={joinPath({ room: room.id, invite: null, viewer: false })}
              variant="contained"
              size="small"
              startIcon={<VideocamIcon />}
              aria-label={`Join ${room.name}`}
            >
              Join
            </Button>
            <Button
              component={RouterLink}
              to={joinPath({ room: room.id, invite: null, viewer: true })}
              size="small"
              startIcon={<VisibilityIcon />}
              aria-label={`Watch ${room.name} without camera`}
            >
              Watch
            </Button>
            {canManage(room) && (
              <>
                <InviteButton roomId={room.id} roomName={room.name} />
                <IconButton aria-label={`Delete ${room.name}`} onClick={() => onDelete(room)} size="small">
                  <DeleteIcon fontSize="small" />
                </IconButton>
              </>
            )}
          </Box>
        </ListItem>
      ))}
    </List>
  );
}
