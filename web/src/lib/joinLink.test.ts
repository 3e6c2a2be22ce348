import { describe, expect, it } from 'vitest';
import { inviteLink, parseJoinLink } from './joinLink';

describe('parseJoinLink', () => {
  it('reads a guest invite', () => {
    expect(parseJoinLink('?room=team-1&invite=abc.DEF_123')).toEqual({ room: 'team-1', invite: 'abc.DEF_123' });
  });

  it('reads a plain room link as no invite', () => {
    expect(parseJoinLink('?room=team-1')).toEqual({ room: 'team-1', invite: null });
  });

  it('treats an empty invite as none and a missing room as empty', () => {
    expect(parseJoinLink('?room=r&invite=')).toEqual({ room: 'r', invite: null });
    expect(parseJoinLink('?invite=tok')).toEqual({ room: '', invite: 'tok' });
    expect(parseJoinLink('')).toEqual({ room: '', invite: null });
  });

  it('round-trips a link with characters that need escaping', () => {
    const link = inviteLink('https://meet.example', 'room_1', 'a+b/c=');
    expect(link).toBe('https://meet.example/?room=room_1&invite=a%2Bb%2Fc%3D');
    expect(parseJoinLink(new URL(link).search)).toEqual({ room: 'room_1', invite: 'a+b/c=' });
  });
});
