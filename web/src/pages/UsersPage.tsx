import { useCallback, useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { listUsers, updateUser, type User, type UserChange } from '../api/http';
import ConfirmDialog from '../components/ConfirmDialog';
import { useApiCall } from '../hooks/useApiCall';
import { useAuthContext } from '../hooks/authContext';

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
  const [users, setUsers] = useState<User[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingChange | null>(null);
  const [saving, setSaving] = useState(false);

  const load = useCallback(
    async (cursor: string | null) => {
      setLoading(true);
      const res = await run('loadUsers', (t) => listUsers(t, cursor));
      setLoading(false);
      if (!res.ok) {
        setError(res.error);
        return;
      }
      setUsers((list) => (cursor ? [...list, ...res.value.items] : res.value.items));
      setNext(res.value.next ?? null);
    },
    [run],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const apply = async () => {
    if (!pending) return;
    setSaving(true);
    setError(null);
    const res = await run('updateUser', (t) => updateUser(t, pending.user.id, pending.change));
    setSaving(false);
    setPending(null);
    if (res.ok) setUsers((list) => list.map((u) => (u.id === res.value.id ? res.value : u)));
    else setError(res.error);
  };

  const ask = (user: User, change: UserChange, what: string) => setPending({ user, change, what });

  return (
    <Box sx={{ display: 'grid', gap: 2 }}>
      <Typography variant="h5" component="h1">
        Users
      </Typography>
      {error && (
        <Alert severity="error" onClose={() => setError(null)}>
          {error}
        </Alert>
      )}
      <Paper sx={{ overflow: 'hidden' }} aria-busy={loading}>
        {loading && <LinearProgress aria-label="Loading users" />}
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
              {users.map((u) => (
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
      </Paper>
      {next && (
        <Box>
          <Button onClick={() => load(next)} disabled={loading}>
            Load more
          </Button>
        </Box>
      )}
      <ConfirmDialog
        open={pending !== null}
        title="Change this account?"
        confirmLabel="Change"
        busy={saving}
        onConfirm={apply}
        onCancel={() => setPending(null)}
      >
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
