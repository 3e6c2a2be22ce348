import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import GraphicEqIcon from '@mui/icons-material/GraphicEq';
import MicOffIcon from '@mui/icons-material/MicOff';
import VideocamOffIcon from '@mui/icons-material/VideocamOff';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import type { RosterEntry } from '../api/protocol';

interface RosterListProps {
  participants: RosterEntry[];
  selfId: string | null;
  viewers: number;
  /** Who is speaking now (ids). */
  speaking?: string[];
  /** Who the room shows as its active speaker. */
  activeSpeaker?: string | null;
  /** Given to the room's owner and admins: make someone a presenter or a participant again. */
  onSetRole?: (participantId: string, role: 'presenter' | 'participant') => void;
}

const ROLE_LABEL: Record<string, string> = {
  owner: 'Owner',
  presenter: 'Presenter',
  participant: 'Participant',
  viewer: 'Viewer',
};

// Names come from other users: React renders them as text, never as markup.
export default function RosterList({
  participants,
  selfId,
  viewers,
  speaking = [],
  activeSpeaker = null,
  onSetRole,
}: RosterListProps) {
  return (
    <>
      <Typography variant="subtitle2" component="h2" sx={{ px: 2, pt: 1 }}>
        In this room ({participants.length})
      </Typography>
      <List dense data-testid="roster" aria-label="Participants">
        {participants.map((p) => {
          const changeable = onSetRole && (p.role === 'participant' || p.role === 'presenter');
          const next = p.role === 'presenter' ? 'participant' : 'presenter';
          const talking = speaking.includes(p.id);
          return (
            <ListItem
              key={p.id}
              data-testid="roster-item"
              data-speaking={talking ? 'true' : 'false'}
              sx={{
                flexWrap: 'wrap',
                gap: 0.5,
                borderLeft: 3,
                borderColor: p.id === activeSpeaker ? 'primary.main' : 'transparent',
              }}
            >
              <ListItemText
                primary={
                  <>
                    {p.name}
                    {talking && (
                      <GraphicEqIcon
                        fontSize="small"
                        color="primary"
                        titleAccess="speaking"
                        sx={{ ml: 0.5, verticalAlign: 'text-bottom' }}
                      />
                    )}
                    {!p.audio && (
                      <MicOffIcon
                        data-testid="mic-off"
                        fontSize="small"
                        color="disabled"
                        titleAccess="microphone off" sx={{ ml: 0.5, verticalAlign: 'text-bottom' }} />
                    )}
                    {!p.video && (
                      <VideocamOffIcon
                        data-testid="camera-off"
                        fontSize="small"
                        color="disabled"
                        titleAccess="camera off"
                        sx={{ ml: 0.5, verticalAlign: 'text-bottom' }}
                      />
                    )}
                    {p.id === selfId && (
                      <Chip label="you" size="small" variant="outlined" sx={{ ml: 1, height: 18 }} component="span" />
                    )}
                  </>
                }
                secondary={ROLE_LABEL[p.role] ?? p.role}
                sx={{ minWidth: 0, overflowWrap: 'anywhere' }}
              />
              {changeable && (
                <Button
                  size="small"
                  onClick={() => onSetRole(p.id, next)}
                  aria-label={next === 'presenter' ? `Make ${p.name} a presenter` : `Make ${p.name} a participant again`}
                >
                  {next === 'presenter' ? 'Make presenter' : 'Make participant'}
                </Button>
              )}
            </ListItem>
          );
        })}
      </List>
      {viewers > 0 && (
        <Typography variant="body2" color="text.secondary" sx={{ px: 2, pb: 1 }} data-testid="viewer-count">
          and {viewers} {viewers === 1 ? 'viewer' : 'viewers'} watching
        </Typography>
      )}
    </>
  );
}
