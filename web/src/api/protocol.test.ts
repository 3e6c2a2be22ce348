import { describe, expect, it } from 'vitest';
import { describeJoinError, isAuthError, parseServerMessage } from './protocol';

describe('parseServerMessage', () => {
  it('reads joined with its room name and ICE servers', () => {
    const msg = parseServerMessage(
      '{"type":"joined","participantId":"p1","room":"abc","roomName":"Standup","role":"participant","iceServers":[{"urls":"stun:x"}]}',
    );
    expect(msg).toEqual({
      type: 'joined',
      participantId: 'p1',
      room: 'abc',
      roomName: 'Standup',
      role: 'participant',
      iceServers: [{ urls: 'stun:x' }],
    });
  });

  it('ignores unknown fields and keeps the known ones', () => {
    expect(parseServerMessage('{"type":"answer","sdp":"v=0","extra":1}')).toEqual({ type: 'answer', sdp: 'v=0' });
  });

  it('reads the viewer count of a roster', () => {
    const msg = parseServerMessage('{"type":"roster","participants":[],"viewers":3}');
    expect(msg).toEqual({ type: 'roster', participants: [], viewers: 3 });
  });

  it('skips malformed roster entries', () => {
    const msg = parseServerMessage(
      '{"type":"roster","participants":[{"id":"1","name":"<b>A</b>","role":"participant"},{"name":"no id"},3]}',
    );
    expect(msg).toEqual({ type: 'roster', participants: [{ id: '1', name: '<b>A</b>', role: 'participant' }], viewers: 0 });
  });

  it('keeps the server error message', () => {
    expect(parseServerMessage('{"type":"error","code":"room_full","message":"The room is full"}')).toEqual({
      type: 'error',
      code: 'room_full',
      message: 'The room is full',
    });
  });

  it('reads recording start and stop, and skips a malformed one', () => {
    expect(parseServerMessage('{"type":"recording","state":"started","recordingId":"r1"}')).toEqual({
      type: 'recording',
      state: 'started',
      recordingId: 'r1',
    });
    expect(parseServerMessage('{"type":"recording","state":"paused","recordingId":"r1"}')).toBeNull();
    expect(parseServerMessage('{"type":"recording","state":"stopped"}')).toBeNull();
  });

  it('returns null for unknown types, bad JSON and missing fields', () => {
    for (const text of ['{"type":"layout"}', 'not json', '[]', 'null', '{"type":"answer"}', '{"type":"ice"}']) {
      expect(parseServerMessage(text)).toBeNull();
    }
  });
});

describe('describeJoinError', () => {
  it('puts the refusals a user can act on in plain words', () => {
    expect(describeJoinError('room_full', 'room full', false)).toMatch(/room is full/i);
    expect(describeJoinError('not_found', 'no such room', false)).toMatch(/no room with this id/i);
    expect(describeJoinError('forbidden', 'forbidden', false)).toMatch(/not allowed/i);
  });

  it('sends a member back to sign in and a guest to the link', () => {
    expect(describeJoinError('expired', 'expired', false)).toMatch(/sign in again/i);
    expect(describeJoinError('unauthorized', 'unauthorized', false)).toMatch(/sign in again/i);
    expect(describeJoinError('expired', 'expired', true)).toMatch(/invite link has expired/i);
    expect(isAuthError('expired') && isAuthError('unauthorized') && !isAuthError('forbidden')).toBe(true);
  });

  it("keeps the server's message for other codes", () => {
    expect(describeJoinError('bad_request', 'name must be plain text', false)).toBe('name must be plain text');
  });
});
