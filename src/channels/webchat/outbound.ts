import type { FastifyBaseLogger } from 'fastify';
import WebSocket from 'ws';
import type { ServerFrame } from './protocol.ts';

/** A phone that cannot keep up with what it is sent is dropped; it resumes from its last id. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Frames to one socket, strictly in order: a frame that needs a query first (an escalated reply waiting for
 * its ticket id) keeps its place, and a close goes out after the error frame that explains it.
 */
export class Outbound {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: WebSocket,
    private readonly log: FastifyBaseLogger,
  ) {}

  send(frame: ServerFrame): void {
    this.later(() => frame);
  }

  later(make: () => ServerFrame | Promise<ServerFrame>): void {
    this.chain = this.chain
      .then(make)
      .then((frame) => {
        if (this.socket.readyState !== WebSocket.OPEN) return;
        if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          this.socket.terminate();
          return;
        }
        this.socket.send(JSON.stringify(frame));
      })
      .catch((err: unknown) => this.log.warn({ err }, 'webchat frame not sent'));
  }

  close(code: number, reason: string): void {
    this.chain = this.chain.then(() => {
      if (this.socket.readyState === WebSocket.OPEN) this.socket.close(code, reason);
    });
  }
}
