// Pure helpers of the broadcast controls and the quality menu.

import type { Rendition, RenditionChoice, RenditionName } from '../api/protocol';

/** "720p" for a 1280×720 rendition. */
export const renditionLabel = (r: { height: number }) => `${r.height}p`;

/**
 * What the quality button says: "Auto · 360p" while the server chooses, "720p"
 * when pinned. Until the server tells which it sends, the choice alone.
 */
export function qualityLabel(
  choice: RenditionChoice,
  current: { name: RenditionName; height: number } | null,
  renditions: Rendition[],
): string {
  if (choice === 'auto') return current ? `Auto · ${renditionLabel(current)}` : 'Auto';
  if (current && current.name === choice) return renditionLabel(current);
  const chosen = renditions.find((r) => r.name === choice);
  return chosen ? renditionLabel(chosen) : 'Auto';
}

/** Something goes out of the room: the LIVE badge. */
export const isLive = (b: { hls: boolean; rtmp: string }) => b.hls || b.rtmp !== 'off';

/** Where OBS publishes into the room (docs/obs.md). */
export const whipUrl = (origin: string, roomId: string) => `${origin}/api/rooms/${encodeURIComponent(roomId)}/whip`;

/** The API hands out links relative to the server; a player elsewhere needs the whole address. */
export const absoluteUrl = (url: string, origin: string) => new URL(url, origin).toString();

const RTMP_SCHEME = /^rtmps?:\/\//i;

/** Why an RTMP server address would be refused, or null. */
export function rtmpServerProblem(server: string): string | null {
  const text = server.trim();
  if (text === '') return 'Enter the server address from the streaming platform';
  if (!RTMP_SCHEME.test(text)) return 'The address starts with rtmp:// or rtmps://';
  if (/\s/.test(text)) return 'The address cannot contain spaces';
  // URL() does not know rtmp: (and would skip empty authorities), so read the host by hand.
  const authority = /^rtmps?:\/\/([^/?#]*)/i.exec(text)?.[1] ?? '';
  const host = authority.replace(/^.*@/, '').replace(/:\d*$/, '');
  if (host === '') return 'The address needs a server name after rtmp://';
  return null;
}

export function rtmpKeyProblem(key: string): string | null {
  if (/\s/.test(key.trim())) return 'A stream key has no spaces';
  return null;
}

/** The platform's server address and its stream key as one push URL (`rtmp://host/app/key`). */
export function rtmpUrl(server: string, key: string): string {
  const base = server.trim();
  const k = key.trim();
  if (k === '') return base;
  return `${base.replace(/\/+$/, '')}/${k.replace(/^\/+/, '')}`;
}

/**
 * How long to wait before asking for a new signed playlist link: well before
 * it expires (a quarter of its life, or 30 s, left; at most ten minutes), and
 * never in a tight loop.
 */
export function linkRefreshDelay(expiresAt: string, now: number = Date.now()): number {
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return 60_000;
  const remaining = at - now;
  // Capped, so a long-lived link is still renewed in time (and fits a timer).
  return Math.max(5_000, Math.min(remaining - 30_000, remaining * 0.75, 10 * 60_000));
}

/** "Live", "Connecting", "Retrying" for the RTMP state chip. */
export function rtmpPhaseLabel(state: 'connecting' | 'live' | 'retrying'): string {
  return { connecting: 'Connecting', live: 'Live', retrying: 'Retrying' }[state];
}
