import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';

interface DevicePickerProps {
  id: string;
  label: string;
  devices: MediaDeviceInfo[];
  /** '' for the browser's default. */
  value: string;
  onChange: (deviceId: string) => void;
  disabled?: boolean;
}

/** One kind of device (camera or microphone) from enumerateDevices. */
export default function DevicePicker({ id, label, devices, value, onChange, disabled }: DevicePickerProps) {
  // Without a grant the browser hides names (and often ids); numbering keeps them apart.
  const named = devices.filter((d) => d.deviceId !== '');
  // displayEmpty shows "Default" for '' instead of an empty box.
  return (
    <TextField
      select
      id={id}
      label={label}
      value={named.some((d) => d.deviceId === value) ? value : ''}
      onChange={(e) => onChange(e.target.value)}
      disabled={disabled || named.length === 0}
      size="small"
      fullWidth
      slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
    >
      <MenuItem value="">Default</MenuItem>
      {named.map((d, i) => (
        <MenuItem key={d.deviceId} value={d.deviceId}>
          {d.label || `${label} ${i + 1}`}
        </MenuItem>
      ))}
    </TextField>
  );
}
