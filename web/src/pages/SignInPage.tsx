import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Container from '@mui/material/Container';
import Paper from '@mui/material/Paper';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import {
  MAX_PASSWORD_LENGTH,
  MAX_USERNAME_LENGTH,
  MIN_PASSWORD_LENGTH,
  MIN_USERNAME_LENGTH,
  passwordProblem,
  usernameProblem,
} from '../lib/validation';
import { explainApiError } from '../lib/errorText';

type Mode = 'sign-in' | 'register';

interface SignInPageProps {
  /** Why the user was sent here, such as an expired session. */
  notice: string | null;
  onSignIn: (username: string, password: string) => Promise<void>;
  onRegister: (username: string, password: string) => Promise<void>;
}

const required = (value: string, what: string) => (value === '' ? `Enter your ${what}` : null);

export default function SignInPage({ notice, onSignIn, onRegister }: SignInPageProps) {
  const [mode, setMode] = useState<Mode>('sign-in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);

  const registering = mode === 'register';
  // Existing accounts may predate today's rules, so signing in checks only for blanks.
  const usernameError = registering ? usernameProblem(username) : required(username, 'user name');
  const passwordError = registering ? passwordProblem(password) : required(password, 'password');
  // A bad character is pointed out as it is typed, blanks only after a first try.
  const showUsernameError = usernameError !== null && (submitted || (registering && username !== ''));
  const showPasswordError = passwordError !== null && submitted;

  const switchMode = (next: Mode) => {
    setMode(next);
    setSubmitted(false);
    setServerError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (usernameError || passwordError || busy) return;
    setBusy(true);
    setServerError(null);
    try {
      await (registering ? onRegister : onSignIn)(username, password);
    } catch (err) {
      setServerError(explainApiError(err, registering ? 'register' : 'signIn'));
      setBusy(false);
    }
    // On success this page is replaced, so busy stays set.
  };

  return (
    <Container maxWidth="sm" sx={{ py: { xs: 2, sm: 6 }, px: { xs: 1, sm: 3 } }} component="main">
      <Typography variant="h4" component="h1" gutterBottom>
        Connect-Right
      </Typography>
      {notice && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          {notice}
        </Alert>
      )}
      <Paper component="form" onSubmit={submit} noValidate sx={{ p: { xs: 2, sm: 3 }, display: 'grid', gap: 2 }}>
        <Tabs value={mode} onChange={(_, next: Mode) => switchMode(next)} aria-label="Sign in or create an account">
          <Tab value="sign-in" label="Sign in" data-testid="mode-sign-in" />
          <Tab value="register" label="Create account" data-testid="mode-register" />
        </Tabs>
        <TextField
          id="username"
          label="User name"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          error={showUsernameError}
          helperText={
            showUsernameError
              ? usernameError
              : registering
                ? `${MIN_USERNAME_LENGTH}–${MAX_USERNAME_LENGTH} letters, digits, ".", "_" or "-"`
                : ' '
          }
          autoComplete="username"
          required
          slotProps={{ htmlInput: { autoCapitalize: 'none', spellCheck: false } }}
        />
        <TextField
          id="password"
          label="Password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={showPasswordError}
          helperText={
            showPasswordError
              ? passwordError
              : registering
                ? `${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters; common passwords are refused`
                : ' '
          }
          autoComplete={registering ? 'new-password' : 'current-password'}
          required
        />
        {serverError && <Alert severity="error">{serverError}</Alert>}
        <Box>
          {registering ? (
            <Button type="submit" variant="contained" size="large" disabled={busy} data-testid="register">
              {busy ? 'Creating account…' : 'Create account'}
            </Button>
          ) : (
            <Button type="submit" variant="contained" size="large" disabled={busy} data-testid="sign-in">
              {busy ? 'Signing in…' : 'Sign in'}
            </Button>
          )}
        </Box>
      </Paper>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>
        Have an invite link? Open it to join that room as a guest, without an account. Cameras and microphones work only on
        pages served over https:// (or from localhost).
      </Typography>
    </Container>
  );
}
