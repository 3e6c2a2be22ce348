import { useRef, useState, type FocusEvent } from 'react';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';

interface CopyFieldProps {
  id: string;
  label: string;
  value: string;
  /** Said under the field until something was copied. */
  hint?: string;
}

/**
 * A read-only value with a copy button. When the clipboard refuses (an
 * insecure page, no focus) the text is selected and the user is asked to copy it.
 */
export default function CopyField({ id, label, value, hint }: CopyFieldProps) {
  const input = useRef<HTMLTextAreaElement>(null);
  const [said, setSaid] = useState<string | null>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setSaid('Copied');
    } catch {
      input.current?.focus();
      input.current?.select();
      setSaid('Copying was refused by the browser: the text is selected, copy it by hand.');
    }
  };

  return (
    <TextField
      id={id}
      label={label}
      value={value}
      fullWidth
      size="small"
      margin="dense"
      helperText={said ?? hint}
      inputRef={input}
      // Wrapped rather than cut short: a key or a link has to be readable in full on a phone too.
      multiline
      slotProps={{
        htmlInput: {
          readOnly: true,
          spellCheck: false,
          onFocus: (e: FocusEvent<HTMLTextAreaElement>) => e.currentTarget.select(),
          sx: { fontFamily: 'monospace', wordBreak: 'break-all' },
        },
        input: {
          endAdornment: (
            <InputAdornment position="end">
              <Tooltip title={`Copy ${label.toLowerCase()}`}>
                <IconButton edge="end" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
                  <ContentCopyIcon fontSize="small" />
                </IconButton>
              </Tooltip>
            </InputAdornment>
          ),
        },
      }}
    />
  );
}
