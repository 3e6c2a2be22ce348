import { describe, expect, it } from 'vitest';
import { parseServerMessage } from './protocol';

describe('parseServerMessage', () => {
  it('reads joined with its ICE servers', () => {
    const msg = parseServerMessage(
      '{"type":"joined","participantId":"p1","room":"abc","role":"participant","iceServers":[{"urls":"stun:x"}]}',
    );
    expect(msg).toEqual({
      type: 'joined',
      participantId: 'p1',
      room: 'abc',
      role: 'participant',
      iceServers: [{ urls: 'stun:x' }],
    });
  });

  it('ignores unknown fields and keeps the known ones', () => {
    expect(parseServerMessage('{"type":"answer","sdp":"v=0","extra":1}')).toEqual({ type: 'answer', sdp: 'v=0' });
  });

  it('skips malformed roster entries', () => {
    const msg = parseServerMessage(
      '{"type":"roster","participants":[{"id":"1","name":"<b>A</b>","role":"participant"},{"name":"no id"},3]}',
    );
    expect(msg).toEqual({ type: 'roster', participants: [{ id: '1', name: '<b>A</b>', role: 'participant' }] });
  });

  it('keeps the server error message', () => {
    expect(parseServerMessage('{"type":"error","code":"room_full","message":"The room is full"}')).toEqual({
      type: 'error',
      code: 'room_full',
      message: 'The room is full',
    });
  });

  it('returns null for unknown types, bad JSON and missing fields', () => {
    for (const text of ['{"type":"layout"}', 'not json', '[]', 'null', '{"type":"answer"}', '{"type":"ice"}']) {
      expect(parseServerMessage(text)).toBeNull();
    }
  });
});
