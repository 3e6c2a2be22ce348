import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import type { PagedList } from '../hooks/usePagedList';

/** Appends the next page of a list; absent on its last page. */
export default function LoadMoreButton<T>({ list, label = 'Load more' }: { list: PagedList<T>; label?: string }) {
  const { next, loading, load } = list;
  if (!next) return null;
  return (
    <Box>
      <Button onClick={() => load(next)} disabled={loading}>
        {label}
      </Button>
    </Box>
  );
}
