import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { SignedLink } from '../api/http';
import { absoluteUrl, linkRefreshDelay } from '../lib/broadcast';

/** A signed playlist link, or why there is none, in the shape useApiCall returns. */
export type LinkResult = { ok: true; value: SignedLink } | { ok: false; error: string };

/** The part of hls.js this hook uses (the real class, or a fake in tests). */
export interface HlsPlayer {
  loadSource(url: string): void;
  attachMedia(media: HTMLMediaElement): void;
  on(event: string, listener: (event: string, data: { fatal: boolean; details?: string }) => void): void;
  destroy(): void;
}

export interface HlsPlayerConfig {
  /** Called before each request: re-opening `xhr` with another URL swaps in a fresh signed link. */
  xhrSetup: (xhr: XMLHttpRequest, url: string) => void;
  liveDurationInfinity: boolean;
}

export interface HlsClass {
  new (config: HlsPlayerConfig): HlsPlayer;
  isSupported(): boolean;
  Events: { ERROR: string; MANIFEST_PARSED: string };
}

export interface HlsPlayerDeps {
  /** hls.js is loaded only when a browser without native HLS (Chromium, Firefox) opens a player. */
  loadHls: () => Promise<HlsClass>;
  origin: string;
}

const browserDeps: HlsPlayerDeps = {
  // The light build: no subtitles, alternate audio or DRM, none of which a room's stream has.
  loadHls: () => import('hls.js/light').then((m) => m.default as unknown as HlsClass),
  get origin() {
    return window.location.origin;
  },
};

const HLS_TYPE = 'application/vnd.apple.mpegurl';
/** A fresh playlist needs a few seconds for its first segments; a fatal error is retried this often. */
export const MAX_PLAYER_RETRIES = 8;
export const PLAYER_RETRY_MS = 2_000;

export interface HlsPlayerState {
  /** Why playback stopped, in plain words; null while it plays or loads. */
  error: string | null;
  /** 'native' (Safari, iOS) or 'hls.js', once chosen. */
  engine: 'native' | 'hls.js' | null;
  retry: () => void;
}

const samePath = (a: string, b: string) => {
  try {
    return new URL(a).pathname === new URL(b).pathname;
  } catch {
    return false;
  }
};

/**
 * Plays an HLS playlist behind a signed, expiring link in `videoRef`'s
 * element while `getLink` is set. The link is asked for again before it
 * expires (and after a fatal error); hls.js then fetches the playlist with the
 * new one, a native player is pointed at it.
 */
export function useHlsPlayer(
  videoRef: RefObject<HTMLVideoElement | null>,
  getLink: (() => Promise<LinkResult>) | null,
  deps: HlsPlayerDeps = browserDeps,
): HlsPlayerState {
  const [error, setError] = useState<string | null>(null);
  const [engine, setEngine] = useState<'native' | 'hls.js' | null>(null);
  const [generation, setGeneration] = useState(0);
  // The caller's callback may change identity on every render; only on/off restarts the player.
  const getLinkRef = useRef(getLink);
  useEffect(() => {
    getLinkRef.current = getLink;
  }, [getLink]);
  const depsRef = useRef(deps);
  const active = getLink !== null;

  useEffect(() => {
    const element = videoRef.current;
    if (!active || !element) return;
    const video: HTMLVideoElement = element;
    const { loadHls, origin } = depsRef.current;
    let over = false;
    let url = '';
    let hls: HlsPlayer | null = null;
    let refreshTimer: ReturnType<typeof setTimeout> | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let failures = 0;
    const native = video.canPlayType(HLS_TYPE) !== '';
    setError(null);
    setEngine(native ? 'native' : 'hls.js');

    const fail = (message: string) => {
      if (!over) setError(message);
    };

    /** Gets a link and schedules the next; false (and an error shown) when there is none. */
    const fetchLink = async (): Promise<boolean> => {
      const get = getLinkRef.current;
      if (!get) return false;
      const res = await get();
      if (over) return false;
      if (!res.ok) {
        fail(res.error);
        return false;
      }
      url = absoluteUrl(res.value.url, origin);
      if (refreshTimer) clearTimeout(refreshTimer);
      refreshTimer = setTimeout(refresh, linkRefreshDelay(res.value.expiresAt));
      return true;
    };

    const play = () => {
      video.play().catch(() => {
        // Autoplay refused: the controls let the user start it.
      });
    };

    async function refresh() {
      refreshTimer = null;
      if (!(await fetchLink())) return;
      // hls.js picks the new link up at its next playlist request; Safari has to be pointed at it.
      if (native) {
        video.src = url;
        play();
      }
    }

    const fatal = (what: string) => {
      if (over) return;
      if (failures >= MAX_PLAYER_RETRIES) {
        fail(`The stream stopped playing (${what}). Try again in a moment.`);
        return;
      }
      failures += 1;
      retryTimer = setTimeout(async () => {
        retryTimer = null;
        if (!(await fetchLink())) return;
        if (hls) hls.loadSource(url);
        else {
          video.src = url;
          play();
        }
      }, PLAYER_RETRY_MS);
    };

    const onPlaying = () => {
      failures = 0;
    };
    const onNativeError = () => fatal('the player could not load it');
    video.addEventListener('playing', onPlaying);
    if (native) video.addEventListener('error', onNativeError);

    (async () => {
      if (!(await fetchLink())) return;
      if (native) {
        video.src = url;
        play();
        return;
      }
      let Hls: HlsClass;
      try {
        Hls = await loadHls();
      } catch {
        fail('The player could not be loaded. Reload the page and try again.');
        return;
      }
      if (over) return;
      if (!Hls.isSupported()) {
        fail('This browser cannot play HLS streams.');
        return;
      }
      hls = new Hls({
        liveDurationInfinity: true,
        xhrSetup: (xhr, requested) => {
          if (requested !== url && samePath(requested, url)) xhr.open('GET', url, true);
        },
      });
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (data.fatal) fatal(data.details ?? 'network error');
      });
      hls.on(Hls.Events.MANIFEST_PARSED, play);
      hls.loadSource(url);
      hls.attachMedia(video);
    })();

    return () => {
      over = true;
      if (refreshTimer) clearTimeout(refreshTimer);
      if (retryTimer) clearTimeout(retryTimer);
      video.removeEventListener('playing', onPlaying);
      video.removeEventListener('error', onNativeError);
      if (hls) hls.destroy();
      else {
        video.removeAttribute('src');
        video.load();
      }
    };
  }, [active, generation, videoRef]);

  const retry = useCallback(() => setGeneration((g) => g + 1), []);
  return { error: active ? error : null, engine: active ? engine : null, retry };
}
