import type WebSocket from 'ws';

/** A socket that never says hello is closed after this, or two heartbeats if they are shorter. */
const HELLO_TIMEOUT_MS = 15_000;

export function helloTimeoutMs(heartbeatSeconds: number): number {
  return Math.min(HELLO_TIMEOUT_MS, 2000 * heartbeatSeconds);
}

/**
 * Whether the phone at the other end is still there. The hub beats every open socket at once
 * (src/channels/webchat/hub.ts): a socket that has sent nothing, not even a pong, since the last beat is
 * cut; any other is pinged.
 */
export class Liveness {
  private alive = true;

  constructor(private readonly socket: WebSocket) {}

  /** A frame or a pong came in. */
  seen(): void {
    this.alive = true;
  }

  beat(): void {
    if (!this.alive) {
      this.socket.terminate();
      return;
    }
    this.alive = false;
    this.socket.ping();
  }
}
