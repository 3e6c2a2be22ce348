import type { ReactNode } from 'react';
import Alert from '@mui/material/Alert';
import Paper from '@mui/material/Paper';
import LinearProgress from '@mui/material/LinearProgress';
import type { PagedList } from '../hooks/usePagedList';

interface ListPanelProps<T> {
  list: PagedList<T>;
  /** Names the progress bar for screen readers, e.g. "Loading users". */
  loadingLabel: string;
  children: ReactNode;
}

/** A list's failure (which can be dismissed) above its panel, which shows progress while a page loads. */
export default function ListPanel<T>({ list, loadingLabel, children }: ListPanelProps<T>) {
  return (
    <>
      {list.error && (
        <Alert severity="error" onClose={() => list.setError(null)}>
          {list.error}
        </Alert>
      )}
      <Paper sx={{ overflow: 'hidden' }} aria-busy={list.loading}>
        {list.loading && <LinearProgress aria-label={loadingLabel} />}
        {children}
      </Paper>
    </>
  );
}
