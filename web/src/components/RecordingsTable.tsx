import { useState } from 'react';
import Box from '@mui/material/Box';
import MenuItem from '@mui/material/MenuItem';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TableSortLabel from '@mui/material/TableSortLabel';
import TextField from '@mui/material/TextField';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useTheme } from '@mui/material/styles';
import type { Recording } from '../api/http';
import { formatBytes, formatDuration, sortRecordings, type RecordingSort, type RecordingSortKey } from '../lib/recordings';
import RecordingActions, { formatWhen, type RecordingHandlers } from './RecordingActions';
import RecordingCards from './RecordingCards';
import RecordingStatusChip from './RecordingStatusChip';

type RecordingsTableProps = RecordingHandlers & { recordings: Recording[] };

const COLUMNS: { key: RecordingSortKey; label: string; numeric?: boolean }[] = [
  { key: 'startedAt', label: 'Started' },
  { key: 'roomName', label: 'Room' },
  { key: 'durationMs', label: 'Duration', numeric: true },
  { key: 'bytes', label: 'Size', numeric: true },
  { key: 'status', label: 'Status' },
];

const SORT_CHOICES: { value: string; label: string }[] = [
  { value: 'startedAt desc', label: 'Newest first' },
  { value: 'startedAt asc', label: 'Oldest first' },
  { value: 'roomName asc', label: 'Room A–Z' },
  { value: 'durationMs desc', label: 'Longest first' },
  { value: 'bytes desc', label: 'Largest first' },
  { value: 'status asc', label: 'By status' },
];

/**
 * Recordings with their size and length; a click on a column heading sorts by
 * it. On a phone the same rows become cards, sorted with a menu.
 */
export default function RecordingsTable({ recordings, ...handlers }: RecordingsTableProps) {
  const narrow = useMediaQuery(useTheme().breakpoints.down('sm'));
  const [sort, setSort] = useState<RecordingSort>({ key: 'startedAt', direction: 'desc' });
  const rows = sortRecordings(recordings, sort);

  const sortBy = (key: RecordingSortKey) =>
    setSort((s) => (s.key === key ? { key, direction: s.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: key === 'roomName' ? 'asc' : 'desc' }));

  if (narrow) {
    const value = `${sort.key} ${sort.direction}`;
    return (
      <>
        <Box sx={{ px: 1, pt: 1.5 }}>
          <TextField
            select
            id="recording-sort"
            label="Sort"
            size="small"
            fullWidth
            value={SORT_CHOICES.some((c) => c.value === value) ? value : 'startedAt desc'}
            onChange={(e) => {
              const [key, direction] = e.target.value.split(' ') as [RecordingSortKey, 'asc' | 'desc'];
              setSort({ key, direction });
            }}
          >
            {SORT_CHOICES.map((c) => (
              <MenuItem key={c.value} value={c.value}>
                {c.label}
              </MenuItem>
            ))}
          </TextField>
        </Box>
        <RecordingCards recordings={rows} {...handlers} />
      </>
    );
  }

  return (
    <TableContainer sx={{ overflowX: 'auto' }}>
      <Table size="small" aria-label="Recordings">
        <TableHead>
          <TableRow>
            {COLUMNS.map((c) => (
              <TableCell
                key={c.key}
                align={c.numeric ? 'right' : 'left'}
                sortDirection={sort.key === c.key ? sort.direction : false}
              >
                <TableSortLabel
                  active={sort.key === c.key}
                  direction={sort.key === c.key ? sort.direction : 'asc'}
                  onClick={() => sortBy(c.key)}
                >
                  {c.label}
                </TableSortLabel>
              </TableCell>
            ))}
            <TableCell align="right">Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((r) => (
            <TableRow key={r.id} data-testid="recording-row" hover>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatWhen(r.startedAt)}</TableCell>
              <TableCell>{r.roomName || r.roomId}</TableCell>
              <TableCell align="right">{formatDuration(r.durationMs)}</TableCell>
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                {formatBytes(r.bytes)}
              </TableCell>
              <TableCell>
                <RecordingStatusChip recording={r} />
              </TableCell>
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                <RecordingActions recording={r} {...handlers} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
