import { lazy, Suspense, type ReactNode } from 'react';
import LinearProgress from '@mui/material/LinearProgress';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Container from '@mui/material/Container';
import Typography from '@mui/material/Typography';
import { BrowserRouter, Link as RouterLink, Route, Routes, useLocation } from 'react-router';
import AppShell from './components/AppShell';
import { AuthContext, useAuthContext } from './hooks/authContext';
import { useAuth } from './hooks/useAuth';
import { parseJoinLink } from './lib/joinLink';
import CallPage from './pages/CallPage';
import LobbyPage from './pages/LobbyPage';
import SignInPage from './pages/SignInPage';

// Most people never open these; they load on first visit.
const RecordingsPage = lazy(() => import('./pages/RecordingsPage'));
const UsersPage = lazy(() => import('./pages/UsersPage'));

/**
 * Routes. `/?room=ID` is a room's join page and `/?room=ID&invite=TOKEN` a
 * guest's (the links handed out so far keep working); `/` alone is the lobby.
 * The server answers every unknown non-API path with index.html.
 */
export default function App() {
  const auth = useAuth();
  return (
    <AuthContext.Provider value={auth}>
      <BrowserRouter>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/recordings" element={<SignedIn>{<RecordingsPage />}</SignedIn>} />
          <Route path="/admin/users" element={<SignedIn admin>{<UsersPage />}</SignedIn>} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </BrowserRouter>
    </AuthContext.Provider>
  );
}

/** The sign-in form in place of the page, so the address (a room link) survives signing in. */
function SignedIn({ children, admin = false }: { children: ReactNode; admin?: boolean }) {
  const auth = useAuthContext();
  if (!auth.session) return <SignInPage notice={auth.notice} onSignIn={auth.signIn} onRegister={auth.register} />;
  if (admin && auth.session.user.role !== 'admin') {
    return (
      <AppShell>
        <Alert severity="warning">This page is for administrators.</Alert>
      </AppShell>
    );
  }
  return (
    <AppShell>
      <Suspense fallback={<LinearProgress aria-label="Loading the page" />}>{children}</Suspense>
    </AppShell>
  );
}

function Home() {
  const auth = useAuthContext();
  const { search } = useLocation();
  const link = parseJoinLink(search);
  // An invite link makes this tab a guest's: the invite is the join token and no sign-in is asked for.
  if (link.invite) {
    return <CallPage key={search} link={link} token={link.invite} user={null} onAuthFailed={() => {}} />;
  }
  if (!auth.session) return <SignInPage notice={auth.notice} onSignIn={auth.signIn} onRegister={auth.register} />;
  if (link.room) {
    return (
      <CallPage
        key={`${auth.session.user.id} ${link.room}`}
        link={link}
        token={auth.session.token}
        user={auth.session.user}
        onAuthFailed={auth.expire}
      />
    );
  }
  return (
    <AppShell>
      <LobbyPage />
    </AppShell>
  );
}

function NotFound() {
  return (
    <Container maxWidth="sm" sx={{ py: 6 }} component="main">
      <Typography variant="h5" component="h1" gutterBottom>
        There is no such page
      </Typography>
      <Button component={RouterLink} to="/" variant="contained">
        Go to the rooms
      </Button>
    </Container>
  );
}
