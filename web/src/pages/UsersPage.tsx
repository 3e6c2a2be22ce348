import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { listUsers, updateUser, type User, type UserChange } from '../api/http';
import ConfirmDialog from '../components/ConfirmDialog';
import ListPanel from '../components/ListPanel';
import LoadMoreButton from '../components/LoadMoreButton';
import { useApiCall } from '../hooks/useApiCall';
import { useAuthContext } from '../hooks/authContext';
import { useConfirmation } from '../hooks/useConfirmation';
import { usePagedList } from '../hooks/usePagedList';

// A phone has room for the name, the role and the buttons only.
const WIDE_ONLY = { display: { xs: 'none', sm: 'table-cell' } } as const;

interface PendingChange {
  user: User;
  change: UserChange;
  what: string;
}

/** Accounts (admins only): promote, demote, disable and enable. */
export default function UsersPage() {
  const run = useApiCall();
  const me = useAuthContext().session?.user;
  const list = usePagedList('loadUsers', listUsers);
  const change = useConfirmation(async (pending: PendingChange) => {
    list.setError(null);
    const res = await run('updateUser', (t) => updateUser(t, pending.user.id, pending.change));
    if (res.ok) list.setItems((users) => users.map((u) => (u.id === res.value.id ? res.value : u)));
    else list.setError(res.error);
  });
  const pending = change.target;

  const ask = (user: User, what: UserChange, sentence: string) => change.ask({ user, change: what, what: sentence });

  return (
    <Box sx={{ display: 'grid', gap: 2 }}>
      <Typography variant="h5" component="h1">
        Users
      </Typography>
      <ListPanel list={list} loadingLabel="Loading users">
        <TableContainer sx={{ overflowX: 'auto' }}>
          <Table size="small" aria-label="Users">
            <TableHead>
              <TableRow>
                <TableCell>User name</TableCell>
                <TableCell>Role and status</TableCell>
                <TableCell sx={WIDE_ONLY}>Created</TableCell>
                <TableCell align="right">Actions</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {list.items.map((u) => (
                <TableRow key={u.id} data-testid="user-row">
                  <TableCell>
                    {u.username}
                    {u.id === me?.id && ' (you)'}
                  </TableCell>
                  <TableCell>
                    <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
                      <Chip size="small" label={u.role} color={u.role === 'admin' ? 'secondary' : 'default'} />
                      <Chip size="small" label={u.disabled ? 'disabled' : 'active'} color={u.disabled ? 'error' : 'default'} variant="outlined" />
                    </Box>
                  </TableCell>
                  <TableCell sx={{ ...WIDE_ONLY, whiteSpace: 'nowrap' }}>{new Date(u.createdAt).toLocaleDateString()}</TableCell>
                  <TableCell align="right">
                    <UserActions user={u} ask={ask} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      </ListPanel>
      <LoadMoreButton list={list} />
      <ConfirmDialog {...change.dialog} title="Change this account?" confirmLabel="Change">
        {pending && `This will ${pending.what}.`}
      </ConfirmDialog>
    </Box>
  );
}

/** Promote or demote, disable or enable; each asks for confirmation first. */
function UserActions({ user: u, ask }: { user: User; ask: (user: User, change: UserChange, what: string) => void }) {
  return (
    <Box sx={{ display: 'flex', flexDirection: { xs: 'column', sm: 'row' }, alignItems: 'flex-end', justifyContent: 'flex-end' }}>
      {u.role === 'member' ? (
        <Button size="small" onClick={() => ask(u, { role: 'admin' }, `make ${u.username} an administrator`)} aria-label={`Promote ${u.username} to administrator`}>
          Promote
        </Button>
      ) : (
        <Button
          size="small"
          onClick={() => ask(u, { role: 'member' }, `make ${u.username} a member (no longer an administrator)`)}
          aria-label={`Demote ${u.username} to member`}
        >
          Demote
        </Button>
      )}
      {u.disabled ? (
        <Button size="small" onClick={() => ask(u, { disabled: false }, `enable ${u.username}`)} aria-label={`Enable ${u.username}`}>
          Enable
        </Button>
      ) : (
        <Button
          size="small"
          color="error"
          onClick={() => ask(u, { disabled: true }, `disable ${u.username}; their sessions end at once`)}
          aria-label={`Disable ${u.username}`}
        >
          Disable
        </Button>
      )}
    </Box>
  );
}
