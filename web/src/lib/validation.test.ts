import { describe, expect, it } from 'vitest';
import { nameProblem, roomIdProblem } from './validation';

describe('roomIdProblem', () => {
  it('accepts ids the server accepts', () => {
    for (const id of ['a', 'Team-42', 'under_score', 'x'.repeat(64)]) expect(roomIdProblem(id)).toBeNull();
  });

  it('rejects an empty id', () => {
    expect(roomIdProblem('')).toMatch(/enter a room/i);
  });

  it('rejects an id longer than 64 characters', () => {
    expect(roomIdProblem('x'.repeat(65))).toMatch(/at most 64/i);
  });

  it('names each offending character once', () => {
    const problem = roomIdProblem('my room/a b');
    expect(problem).toContain('space');
    expect(problem).toContain('"/"');
    expect(problem?.match(/space/g)).toHaveLength(1);
  });

  it('rejects non-ASCII letters', () => {
    expect(roomIdProblem('café')).toContain('"é"');
  });
});

describe('nameProblem', () => {
  it('requires a non-blank name of at most 32 characters', () => {
    expect(nameProblem('  ')).not.toBeNull();
    expect(nameProblem('Alice')).toBeNull();
    expect(nameProblem('x'.repeat(33))).not.toBeNull();
  });
});
