import { useState } from 'react';
import Button from '@mui/material/Button';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import CheckIcon from '@mui/icons-material/Check';
import HighQualityIcon from '@mui/icons-material/HighQuality';
import type { Rendition, RenditionChoice } from '../api/protocol';
import type { CurrentRendition } from '../hooks/useRoomConnection';
import { qualityLabel, renditionLabel } from '../lib/broadcast';

interface QualityMenuProps {
  /** From `joined`, largest first; the menu is not shown without them (an older server). */
  renditions: Rendition[] | null;
  current: CurrentRendition | null;
  choice: RenditionChoice;
  onChoose: (choice: RenditionChoice) => void;
  disabled?: boolean;
}

/** The size of the room's picture we receive: Auto (by the link) or pinned. */
export default function QualityMenu({ renditions, current, choice, onChoose, disabled = false }: QualityMenuProps) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  if (!renditions || renditions.length === 0) return null;
  const label = qualityLabel(choice, current, renditions);
  const choose = (next: RenditionChoice) => {
    setAnchor(null);
    if (next !== choice) onChoose(next);
  };
  const items: { value: RenditionChoice; primary: string; secondary: string }[] = [
    { value: 'auto', primary: 'Auto', secondary: 'By what the connection carries' },
    ...renditions.map((r) => ({ value: r.name, primary: renditionLabel(r), secondary: `${r.width}×${r.height}` })),
  ];
  return (
    <>
      <Button
        startIcon={<HighQualityIcon />}
        onClick={(e) => setAnchor(e.currentTarget)}
        disabled={disabled}
        aria-haspopup="menu"
        aria-label={`Video quality: ${label}`}
        data-testid="quality-menu"
        sx={{ textTransform: 'none' }}
      >
        {label}
      </Button>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        {items.map((item) => (
          <MenuItem
            key={item.value}
            role="menuitemradio"
            aria-checked={item.value === choice}
            selected={item.value === choice}
            onClick={() => choose(item.value)}
          >
            <ListItemIcon>{item.value === choice && <CheckIcon fontSize="small" />}</ListItemIcon>
            <ListItemText primary={item.primary} secondary={item.secondary} />
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}
