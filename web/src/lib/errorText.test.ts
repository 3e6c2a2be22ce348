import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http';
import { explainApiError, isSessionError } from './errorText';

describe('explainApiError', () => {
  it('says "wrong password" for a refused sign-in, not "signed out"', () => {
    const err = new ApiError(401, 'unauthorized', 'invalid credentials');
    expect(explainApiError(err, 'signIn')).toBe('Wrong user name or password.');
    expect(explainApiError(err, 'loadRooms')).toBe('You are signed out. Sign in again.');
  });

  it('names a disabled account and a taken user name', () => {
    expect(explainApiError(new ApiError(403, 'forbidden', 'disabled'), 'signIn')).toMatch(/account is disabled/);
    expect(explainApiError(new ApiError(409, 'conflict', 'taken'), 'register')).toMatch(/user name is taken/);
  });

  it('keeps what the server says is wrong with the input', () => {
    const err = new ApiError(400, 'bad_request', 'the password is among the most common ones');
    expect(explainApiError(err, 'register')).toBe('the password is among the most common ones');
  });

  it('says how long to wait after too many attempts', () => {
    expect(explainApiError(new ApiError(429, 'rate_limited', 'slow down', 30), 'signIn')).toBe(
      'Too many attempts. Wait 30 seconds before trying again.',
    );
    expect(explainApiError(new ApiError(429, 'rate_limited', 'slow down', null))).toBe(
      'Too many attempts. Wait a while before trying again.',
    );
  });

  it('reports an unreachable server in plain words', () => {
    expect(explainApiError(new ApiError(0, 'network', 'fetch failed'))).toBe(
      'Cannot reach the server. Check your connection and try again.',
    );
  });

  it('explains conflicts by what was being done', () => {
    expect(explainApiError(new ApiError(409, 'conflict', 'running'), 'deleteRecording')).toMatch(/still running/);
    expect(explainApiError(new ApiError(409, 'conflict', 'last admin'), 'updateUser')).toMatch(/one active administrator/);
    expect(explainApiError(new ApiError(409, 'conflict', 'not ready'), 'playRecording')).toMatch(/not ready yet/);
  });

  it('hides internal errors behind a sentence', () => {
    expect(explainApiError(new ApiError(500, 'internal', 'db exploded'))).toMatch(/server ran into a problem/);
  });

  it('tells a refused session apart from other failures', () => {
    expect(isSessionError(new ApiError(401, 'expired', 'x'))).toBe(true);
    expect(isSessionError(new ApiError(403, 'forbidden', 'x'))).toBe(false);
    expect(isSessionError(new Error('x'))).toBe(false);
  });
});
