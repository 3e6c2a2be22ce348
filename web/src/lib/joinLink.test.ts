import { describe, expect, it } from 'vitest';
import { inviteLink, joinPath, parseJoinLink, parsePastedLink } from './joinLink';

describe('parseJoinLink', () => {
  it('reads a guest invite', () => {
    expect(parseJoinLink('?room=team-1&invite=abc.DEF_123')).toEqual({ room: 'team-1', invite: 'abc.DEF_123', viewer: false });
  });

  it('reads a plain room link as no invite', () => {
    expect(parseJoinLink('?room=team-1')).toEqual({ room: 'team-1', invite: null, viewer: false });
  });

  it('reads a watch-only link', () => {
    expect(parseJoinLink('?room=r&invite=t&role=viewer')).toEqual({ room: 'r', invite: 't', viewer: true });
  });

  it('treats an empty invite as none and a missing room as empty', () => {
    expect(parseJoinLink('?room=r&invite=')).toEqual({ room: 'r', invite: null, viewer: false });
    expect(parseJoinLink('?invite=tok')).toEqual({ room: '', invite: 'tok', viewer: false });
    expect(parseJoinLink('')).toEqual({ room: '', invite: null, viewer: false });
  });

  it('round-trips a link with characters that need escaping', () => {
    const link = inviteLink('https://meet.example', 'room_1', 'a+b/c=');
    expect(link).toBe('https://meet.example/?room=room_1&invite=a%2Bb%2Fc%3D');
    expect(parseJoinLink(new URL(link).search)).toEqual({ room: 'room_1', invite: 'a+b/c=', viewer: false });
  });

  it('marks viewer invites', () => {
    expect(inviteLink('http://h', 'r', 'cri_x', true)).toBe('http://h/?room=r&invite=cri_x&role=viewer');
    expect(joinPath({ room: 'r', invite: null, viewer: false })).toBe('/?room=r');
  });
});

describe('parsePastedLink', () => {
  it('takes a bare room id, a room link or an invite link', () => {
    expect(parsePastedLink(' abc-1 ')).toEqual({ room: 'abc-1', invite: null, viewer: false });
    expect(parsePastedLink('https://meet.example/?room=abc')).toEqual({ room: 'abc', invite: null, viewer: false });
    expect(parsePastedLink('/?room=abc&invite=cri_1&role=viewer')).toEqual({ room: 'abc', invite: 'cri_1', viewer: true });
  });

  it('refuses text that names no valid room', () => {
    expect(parsePastedLink('')).toBeNull();
    expect(parsePastedLink('hello world')).toBeNull();
    expect(parsePastedLink('https://meet.example/?room=a%20b')).toBeNull();
  });
});
