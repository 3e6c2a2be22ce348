import { describe, expect, it } from 'vitest';
import { nameProblem, passwordProblem, roomIdProblem, roomNameProblem, usernameProblem } from './validation';

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

describe('usernameProblem', () => {
  it('accepts 3 to 32 letters, digits, ".", "_" and "-"', () => {
    for (const u of ['ana', 'j.doe_2-x', 'x'.repeat(32)]) expect(usernameProblem(u)).toBeNull();
  });

  it('says what is wrong', () => {
    expect(usernameProblem('')).toMatch(/enter/i);
    expect(usernameProblem('ab')).toMatch(/at least 3/i);
    expect(usernameProblem('x'.repeat(33))).toMatch(/at most 32/i);
    expect(usernameProblem('ana maria@x')).toMatch(/space.*"@"/);
  });
});

describe('passwordProblem', () => {
  it('accepts 8 to 128 characters', () => {
    expect(passwordProblem('tangerine-kite')).toBeNull();
    expect(passwordProblem('x'.repeat(128))).toBeNull();
  });

  it('says what is wrong', () => {
    expect(passwordProblem('')).toMatch(/enter/i);
    expect(passwordProblem('short')).toMatch(/at least 8/i);
    expect(passwordProblem('x'.repeat(129))).toMatch(/at most 128/i);
    expect(passwordProblem('Password1')).toMatch(/common/i);
  });
});

describe('roomNameProblem', () => {
  it('requires a non-blank name', () => {
    expect(roomNameProblem('   ')).not.toBeNull();
    expect(roomNameProblem('Weekly standup')).toBeNull();
  });
});
