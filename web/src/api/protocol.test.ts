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
    expect(msg).toEqual({ type: 'roster', participants: [{ id: '1', name: '<b>A</b>', role: 'participant', audio: true, video: true }], viewers: 0 });
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

  it('reads the renditions of joined, largest first, and leaves them out when absent or unusable', () => {
    const msg = parseServerMessage(
      '{"type":"joined","participantId":"p1","room":"abc","role":"viewer","iceServers":[],' +
        '"renditions":[{"name":"high","width":1280,"height":720},{"name":"huge","width":1,"height":1},' +
        '{"name":"medium","width":640,"height":"360"},{"name":"low","width":320,"height":180}]}',
    );
    expect(msg && msg.type === 'joined' && msg.renditions).toEqual([
      { name: 'high', width: 1280, height: 720 },
      { name: 'low', width: 320, height: 180 },
    ]);
    const old = parseServerMessage('{"type":"joined","participantId":"p1","iceServers":[]}');
    expect(old && 'renditions' in old).toBe(false);
    const junk = parseServerMessage('{"type":"joined","participantId":"p1","renditions":[{"name":"x"}]}');
    expect(junk && 'renditions' in junk).toBe(false);
  });

  it('reads broadcast state and skips one with an unknown RTMP state', () => {
    expect(parseServerMessage('{"type":"broadcast","hls":true,"rtmp":"retrying"}')).toEqual({
      type: 'broadcast',
      hls: true,
      rtmp: 'retrying',
    });
    expect(parseServerMessage('{"type":"broadcast","hls":false,"rtmp":"off","extra":1}')).toEqual({
      type: 'broadcast',
      hls: false,
      rtmp: 'off',
    });
    expect(parseServerMessage('{"type":"broadcast","hls":true,"rtmp":"exploded"}')).toBeNull();
    expect(parseServerMessage('{"type":"broadcast","hls":"yes","rtmp":"off"}')).toBeNull();
    expect(parseServerMessage('{"type":"broadcast","rtmp":"off"}')).toBeNull();
  });

  it('reads the rendition the server moved us to', () => {
    expect(parseServerMessage('{"type":"rendition","rendition":"medium","width":640,"height":360,"pinned":true}')).toEqual({
      type: 'rendition',
      rendition: 'medium',
      width: 640,
      height: 360,
      pinned: true,
    });
    expect(parseServerMessage('{"type":"rendition","rendition":"low","width":320,"height":180}')).toMatchObject({ pinned: false });
    expect(parseServerMessage('{"type":"rendition","rendition":"auto","width":640,"height":360}')).toBeNull();
    expect(parseServerMessage('{"type":"rendition","rendition":"low","width":-1,"height":180}')).toBeNull();
    expect(parseServerMessage('{"type":"rendition","rendition":"low"}')).toBeNull();
  });

  it('reads who is speaking and the active speaker, and skips malformed ones', () => {
    expect(parseServerMessage('{"type":"speaking","participantIds":["a","b",3]}')).toEqual({
      type: 'speaking',
      participantIds: ['a', 'b'],
    });
    expect(parseServerMessage('{"type":"layout","layout":"grid","speakerId":"a"}')).toEqual({
      type: 'layout',
      layout: 'grid',
      speakerId: 'a',
    });
    expect(parseServerMessage('{"type":"layout","layout":"grid","speakerId":null}')).toMatchObject({ speakerId: null });
    expect(parseServerMessage('{"type":"speaking"}')).toBeNull();
  });

  it('returns null for unknown types, bad JSON and missing fields', () => {
    for (const text of ['{"type":"layout"}', '{"type":"wave"}', 'not json', '[]', 'null', '{"type":"answer"}', '{"type":"ice"}']) {
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
