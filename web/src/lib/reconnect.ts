// When and whether the room connection tries again after losing the server.

/** Waits between attempts: quick at first (a blip), then every 10 s. */
const DELAYS_MS = [1000, 2000, 4000, 8000];
const MAX_DELAY_MS = 10_000;

/** About two minutes of trying; after that a person should look at the network. */
export const MAX_RECONNECT_ATTEMPTS = 15;

/**
 * How long ICE may stay `disconnected` before we stop waiting for it to heal:
 * a dead network can leave the WebSocket looking open for minutes, while the
 * server drops a silent member after 10 s anyway.
 */
export const ICE_DISCONNECTED_GRACE_MS = 5000;

/** The wait before reconnect attempt `attempt` (1-based). */
export function reconnectDelay(attempt: number): number {
  return DELAYS_MS[Math.max(0, attempt - 1)] ?? MAX_DELAY_MS;
}

/**
 * A join the server refused for a reason that trying again will not change:
 * the token, the room's rules, or a newer connection of ours elsewhere.
 */
export function isFinalRefusal(code: string): boolean {
  switch (code) {
    case 'unauthorized':
    case 'expired':
    case 'forbidden':
    case 'not_found':
    case 'room_full':
    case 'conflict':
    case 'bad_request':
    case 'unsupported':
      return true;
    default:
      // internal, overloaded, rate_limited: the server may be fine a moment later.
      return false;
  }
}
