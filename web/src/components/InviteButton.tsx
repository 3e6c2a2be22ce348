import { useState, type FocusEvent } from 'react';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import ListItemText from '@mui/material/ListItemText';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Snackbar from '@mui/material/Snackbar';
import TextField from '@mui/material/TextField';
import PersonAddIcon from '@mui/icons-material/PersonAdd';
import { createInvite, type InviteRole } from '../api/http';
import { useApiCall } from '../hooks/useApiCall';
import { inviteLink } from '../lib/joinLink';

interface InviteButtonProps {
  roomId: string;
  roomName: string;
  size?: 'small' | 'medium';
}

/**
 * Makes an invite (POST /api/rooms/{id}/invites) for a participant or a
 * viewer and copies its link. The token is shown only once, so the link is
 * also put in a dialog when the clipboard refuses (insecure page, no focus).
 */
export default function InviteButton({ roomId, roomName, size = 'small' }: InviteButtonProps) {
  const run = useApiCall();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [shown, setShown] = useState<{ link: string; role: InviteRole } | null>(null);

  const invite = async (role: InviteRole) => {
    setAnchor(null);
    setBusy(true);
    const res = await run('invite', (t) => createInvite(t, roomId, role));
    setBusy(false);
    if (!res.ok) {
      setMessage(res.error);
      return;
    }
    const link = inviteLink(window.location.origin, roomId, res.value.token, role === 'viewer');
    try {
      await navigator.clipboard.writeText(link);
      setMessage(role === 'viewer' ? 'Viewer invite link copied' : 'Participant invite link copied');
    } catch {
      setShown({ link, role });
    }
  };

  return (
    <>
      <Button
        size={size}
        startIcon={<PersonAddIcon />}
        onClick={(e) => setAnchor(e.currentTarget)}
        disabled={busy}
        aria-haspopup="menu"
        aria-label={`Invite people to ${roomName}`}
        data-testid="copy-invite"
      >
        {busy ? 'Inviting…' : 'Invite'}
      </Button>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        <MenuItem onClick={() => invite('participant')}>
          <ListItemText primary="Copy participant link" secondary="Camera and microphone, no account needed" />
        </MenuItem>
        <MenuItem onClick={() => invite('viewer')}>
          <ListItemText primary="Copy viewer link" secondary="Watch and listen only" />
        </MenuItem>
      </Menu>
      <Snackbar open={message !== null} autoHideDuration={4000} onClose={() => setMessage(null)} message={message} />
      <Dialog open={shown !== null} onClose={() => setShown(null)} fullWidth maxWidth="sm">
        <DialogTitle>{shown?.role === 'viewer' ? 'Viewer invite link' : 'Participant invite link'}</DialogTitle>
        <DialogContent>
          <TextField
            id="invite-link"
            label="Copy this link and send it"
            value={shown?.link ?? ''}
            fullWidth
            margin="dense"
            autoFocus
            slotProps={{ htmlInput: { readOnly: true, onFocus: (e: FocusEvent<HTMLInputElement>) => e.currentTarget.select() } }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setShown(null)}>Done</Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
