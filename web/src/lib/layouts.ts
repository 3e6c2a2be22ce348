import type { Layout, LayoutInfo } from '../api/http';

/** The layouts every server has, for menus shown before (or without) `GET /api/layouts`. */
export const BUILT_IN_LAYOUTS: LayoutInfo[] = [
  { name: 'grid', description: 'Everyone in an equal grid', builtIn: true },
  { name: 'speaker', description: 'The active speaker large, a strip of the others', builtIn: true },
  { name: 'presenter', description: 'The share or the presenters large, a strip of the others', builtIn: true },
  { name: 'pip', description: 'The share or presenter full-frame, the active speaker inset', builtIn: true },
  { name: 'single', description: 'Only the share or the active speaker', builtIn: true },
];

const LABELS: Record<string, string> = {
  grid: 'Grid',
  speaker: 'Speaker',
  presenter: 'Presenter',
  pip: 'Picture in picture',
  single: 'Single',
};

/** A layout's name as a menu shows it: the built-in ones in words, others as named. */
export const layoutLabel = (name: Layout): string => LABELS[name] ?? name;
