import { useState, type FormEvent } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import { useNavigate } from 'react-router';
import { joinPath, parsePastedLink } from '../lib/joinLink';

/** Paste an invite or room link, or type a room id, and go to its join page. */
export default function JoinByLinkForm() {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const link = parsePastedLink(text);
    if (!link) {
      setProblem(text.trim() === '' ? 'Paste a link or type a room id' : 'This is not a room link or a room id');
      return;
    }
    navigate(joinPath(link));
  };

  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', flexWrap: 'wrap' }}>
      <TextField
        id="join-link"
        label="Room link or id"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setProblem(null);
        }}
        error={problem !== null}
        helperText={problem ?? 'Paste an invite link, a room link, or a room id'}
        size="small"
        sx={{ flex: '1 1 220px' }}
        slotProps={{ htmlInput: { autoCapitalize: 'none', spellCheck: false } }}
      />
      <Button type="submit" variant="outlined" sx={{ mt: '2px' }}>
        Go
      </Button>
    </Box>
  );
}
