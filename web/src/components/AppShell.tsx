import type { ReactNode } from 'react';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Container from '@mui/material/Container';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import { Link as RouterLink, useLocation } from 'react-router';
import { useAuthContext } from '../hooks/authContext';

interface NavItem {
  to: string;
  label: string;
}

/** The top bar of the signed-in pages: where to go, who is signed in, sign out. */
export default function AppShell({ children }: { children: ReactNode }) {
  const auth = useAuthContext();
  const { pathname } = useLocation();
  const user = auth.session?.user;
  const nav: NavItem[] = [
    { to: '/', label: 'Rooms' },
    { to: '/recordings', label: 'Recordings' },
    ...(user?.role === 'admin' ? [{ to: '/admin/users', label: 'Users' }] : []),
  ];

  return (
    <>
      <AppBar position="static" color="default" elevation={1}>
        <Toolbar sx={{ flexWrap: 'wrap', gap: 1, py: { xs: 1, sm: 0 } }} component="nav" aria-label="Main">
          <Typography variant="h6" component={RouterLink} to="/" sx={{ color: 'inherit', textDecoration: 'none', mr: 1 }}>
            Connect-Right
          </Typography>
          <Box sx={{ display: 'flex', gap: 0.5, flex: '1 1 auto', flexWrap: 'wrap' }}>
            {nav.map((item) => (
              <Button
                key={item.to}
                component={RouterLink}
                to={item.to}
                size="small"
                color={pathname === item.to ? 'primary' : 'inherit'}
                aria-current={pathname === item.to ? 'page' : undefined}
              >
                {item.label}
              </Button>
            ))}
          </Box>
          {user && (
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
              <Typography variant="body2" color="text.secondary" data-testid="signed-in-as" noWrap>
                {user.username}
                {user.role === 'admin' ? ' (admin)' : ''}
              </Typography>
              <Button size="small" onClick={auth.signOut} data-testid="sign-out">
                Sign out
              </Button>
            </Box>
          )}
        </Toolbar>
      </AppBar>
      <Container maxWidth="lg" sx={{ py: { xs: 2, sm: 3 }, px: { xs: 1, sm: 3 } }} component="main">
        {children}
      </Container>
    </>
  );
}
