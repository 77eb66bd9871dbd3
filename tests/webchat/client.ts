import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createTestApp, type TestContext } from '../helpers/app.ts';

/** The real app on a real port: WebSocket clients need a listening server, not `inject`. */
export interface LiveServer extends TestContext {
  base: string;
  wsUrl: string;
}

export async function startServer(overrides: Record<string, string> = {}): Promise<LiveServer> {
  const t = await createTestApp(overrides, { seed: true });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  return { ...t, base: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/ws/chat` };
}

export const newDeviceId = () => `test-${randomBytes(12).toString('hex')}`;

export type Frame = Record<string, any> & { type: string };

/**
 * A WebSocket client that keeps every frame it receives, so a test can wait for the next one of a kind
 * without racing the server.
 */
export class ChatClient {
  readonly frames: Frame[] = [];
  private cursor = 0;
  private waiters: (() => void)[] = [];
  closed?: { code: number; reason: string };

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<ChatClient> {
    const ws = new WebSocket(url, { headers });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new ChatClient(ws);
  }

  /** Open and say hello; resolves with the welcome frame. */
  static async connect(url: string, hello: Record<string, unknown>): Promise<{ client: ChatClient; welcome: Frame }> {
    const client = await ChatClient.open(url);
    client.send({ type: 'hello', ...hello });
    return { client, welcome: await client.next('welcome') };
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame of this type (skipping others), within `ms`. */
  async next(type: string, ms = 10_000, match: (f: Frame) => boolean = () => true): Promise<Frame> {
    const deadline = Date.now() + ms;
    for (;;) {
      while (this.cursor < this.frames.length) {
        const f = this.frames[this.cursor++];
        if (f.type === type && match(f)) return f;
      }
      if (this.closed) throw new Error(`closed (${this.closed.code} ${this.closed.reason}) while waiting for ${type}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} frame within ${ms} ms; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Ask and wait for the bot's reply to it (and the ack). */
  async ask(text: string, clientId = `c-${randomBytes(4).toString('hex')}`) {
    this.send({ type: 'message', clientId, text });
    const ack = await this.next('ack', 10_000, (f) => f.clientId === clientId);
    const reply = await this.next('message', 10_000, (f) => f.replyTo === ack.messageId);
    return { ack, reply, clientId };
  }

  /** Resolves when the server closes the socket. */
  async closedBy(ms = 10_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket still open');
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.closed;
  }

  close(): void {
    this.ws.close();
  }

  terminate(): void {
    this.ws.terminate();
  }
}
