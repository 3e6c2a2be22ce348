import { parseServerMessage, type ClientMessage, type ServerMessage } from './protocol';

export interface SignallingHandlers {
  onOpen: () => void;
  onMessage: (msg: ServerMessage) => void;
  onClose: (event: CloseEvent) => void;
}

/** The WebSocket endpoint on the origin that served the page. */
export function signallingUrl(loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

/** What the room connection needs from a socket; tests pass a fake. */
export interface SignallingChannel {
  send(msg: ClientMessage): void;
  close(): void;
}

export type OpenSignalling = (handlers: SignallingHandlers) => SignallingChannel;

export const openBrowserSignalling: OpenSignalling = (handlers) => new SignallingClient(signallingUrl(), handlers);

/** A thin JSON-over-WebSocket client; it owns no call state. */
export class SignallingClient implements SignallingChannel {
  private readonly socket: WebSocket;
  private closedByUs = false;

  constructor(url: string, handlers: SignallingHandlers) {
    this.socket = new WebSocket(url);
    this.socket.onopen = () => handlers.onOpen();
    this.socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      const msg = parseServerMessage(event.data);
      if (msg) handlers.onMessage(msg);
      else console.warn('ignoring unknown signalling message', event.data.slice(0, 200));
    };
    this.socket.onclose = (event) => {
      // A close we asked for is not news to the caller.
      if (!this.closedByUs) handlers.onClose(event);
    };
  }

  send(msg: ClientMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(msg));
  }

  close(): void {
    this.closedByUs = true;
    this.socket.close(1000);
  }
}
