import Box from '@mui/material/Box';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import SignalCellularAltIcon from '@mui/icons-material/SignalCellularAlt';
import SignalCellularAlt1BarIcon from '@mui/icons-material/SignalCellularAlt1Bar';
import SignalCellularAlt2BarIcon from '@mui/icons-material/SignalCellularAlt2Bar';
import SignalCellularNullIcon from '@mui/icons-material/SignalCellularNull';
import { describeQuality, type Quality } from '../lib/connectionQuality';

const LOOK = {
  good: { Icon: SignalCellularAltIcon, colour: 'success.main', word: 'Good' },
  fair: { Icon: SignalCellularAlt2BarIcon, colour: 'warning.main', word: 'Fair' },
  poor: { Icon: SignalCellularAlt1BarIcon, colour: 'error.main', word: 'Poor' },
  unknown: { Icon: SignalCellularNullIcon, colour: 'text.disabled', word: '…' },
} as const;

/** Bars and a word for the received stream; the numbers are in the tooltip and the label. */
export default function QualityIndicator({ quality }: { quality: Quality }) {
  const { Icon, colour, word } = LOOK[quality.level];
  const text = describeQuality(quality);
  return (
    <Tooltip title={text}>
      <Box
        tabIndex={0}
        role="img"
        aria-label={text}
        data-testid="quality"
        data-level={quality.level}
        sx={{ display: 'flex', alignItems: 'center', gap: 0.5, color: colour }}
      >
        <Icon fontSize="small" />
        <Typography variant="body2" sx={{ display: { xs: 'none', sm: 'block' } }}>
          {word}
        </Typography>
      </Box>
    </Tooltip>
  );
}
