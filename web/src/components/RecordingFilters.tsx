import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { EMPTY_FILTER, filterProblem, type RecordingFilterForm } from '../lib/recordings';

export interface RoomOption {
  id: string;
  name: string;
}

const DATE_FIELDS = [
  { key: 'from', label: 'From', showsProblem: true },
  { key: 'to', label: 'To', showsProblem: false },
] as const;

interface RecordingFiltersProps {
  value: RecordingFilterForm;
  rooms: RoomOption[];
  onChange: (next: RecordingFilterForm) => void;
}

/** Room and date range; every change filters at once. */
export default function RecordingFilters({ value, rooms, onChange }: RecordingFiltersProps) {
  const problem = filterProblem(value);
  const set = (patch: Partial<RecordingFilterForm>) => onChange({ ...value, ...patch });
  const active = value.room !== '' || value.from !== '' || value.to !== '';

  return (
    <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap', alignItems: 'flex-start' }}>
      <TextField
        select
        id="filter-room"
        label="Room"
        value={value.room}
        onChange={(e) => set({ room: e.target.value })}
        helperText=" "
        sx={{ minWidth: 180, flex: '1 1 180px' }}
        slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
      >
        <MenuItem value="">All rooms</MenuItem>
        {rooms.map((r) => (
          <MenuItem key={r.id} value={r.id}>
            {r.name}
          </MenuItem>
        ))}
      </TextField>
      {DATE_FIELDS.map(({ key, label, showsProblem }) => (
        <TextField
          key={key}
          id={`filter-${key}`}
          label={label}
          type="date"
          value={value[key]}
          onChange={(e) => set({ [key]: e.target.value })}
          error={problem !== null}
          // Both ends are marked; the one sentence saying why goes under the first.
          helperText={(showsProblem && problem) || ' '}
          slotProps={{ inputLabel: { shrink: true } }}
          sx={{ flex: '1 1 140px' }}
        />
      ))}
      {active && (
        <Button onClick={() => onChange(EMPTY_FILTER)} sx={{ mt: 1 }}>
          Clear filter
        </Button>
      )}
    </Box>
  );
}
