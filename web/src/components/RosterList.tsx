import Chip from '@mui/material/Chip';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import type { RosterEntry } from '../api/protocol';

interface RosterListProps {
  participants: RosterEntry[];
  selfId: string | null;
}

// Names come from other users: React renders them as text, never as markup.
export default function RosterList({ participants, selfId }: RosterListProps) {
  return (
    <>
      <Typography variant="subtitle2" component="h2" sx={{ px: 2, pt: 1 }}>
        In this room ({participants.length})
      </Typography>
      <List dense data-testid="roster">
        {participants.map((p) => (
          <ListItem
            key={p.id}
            data-testid="roster-item"
            secondaryAction={p.id === selfId ? <Chip label="you" size="small" variant="outlined" /> : undefined}
          >
            <ListItemText primary={p.name} secondary={p.role} />
          </ListItem>
        ))}
      </List>
    </>
  );
}
