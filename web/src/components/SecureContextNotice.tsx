import Alert from '@mui/material/Alert';
import { mediaUnavailableReason } from '../lib/media';

/** Explains up front why the camera will not work here (an http:// page, or an old browser). */
export default function SecureContextNotice() {
  const reason = mediaUnavailableReason();
  if (!reason) return null;
  return (
    <Alert severity="warning" data-testid="insecure-notice">
      {reason}
    </Alert>
  );
}
