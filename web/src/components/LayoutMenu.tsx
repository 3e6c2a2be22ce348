import { useState } from 'react';
import Button from '@mui/material/Button';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import CheckIcon from '@mui/icons-material/Check';
import DashboardIcon from '@mui/icons-material/Dashboard';
import type { Layout, LayoutInfo } from '../api/http';
import { layoutLabel } from '../lib/layouts';

interface LayoutMenuProps {
  layouts: LayoutInfo[];
  /** The room's layout as the server last said; null until it says. */
  current: Layout | null;
  onChoose: (layout: Layout) => void;
  disabled?: boolean;
}

/** The room's layout, for presenters, the owner and admins: everyone sees the change. */
export default function LayoutMenu({ layouts, current, onChoose, disabled = false }: LayoutMenuProps) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const label = current ? layoutLabel(current) : 'Layout';
  const choose = (next: Layout) => {
    setAnchor(null);
    if (next !== current) onChoose(next);
  };
  return (
    <>
      <Button
        startIcon={<DashboardIcon />}
        onClick={(e) => setAnchor(e.currentTarget)}
        disabled={disabled}
        aria-haspopup="menu"
        aria-label={`Layout: ${label}`}
        data-testid="layout-menu"
        sx={{ textTransform: 'none' }}
      >
        {label}
      </Button>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        {layouts.map((layout) => (
          <MenuItem
            key={layout.name}
            role="menuitemradio"
            aria-checked={layout.name === current}
            selected={layout.name === current}
            onClick={() => choose(layout.name)}
            data-testid={`layout-${layout.name}`}
          >
            <ListItemIcon>{layout.name === current && <CheckIcon fontSize="small" />}</ListItemIcon>
            <ListItemText primary={layoutLabel(layout.name)} secondary={layout.description} />
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}
