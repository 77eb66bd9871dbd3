import { EventEmitter } from 'node:events';
import smpp, { type PDU, type Session } from 'smpp';

export interface SmppClientOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  /** submit_sm PDUs awaiting their response at once */
  window: number;
  enquireLinkSeconds: number;
  responseTimeoutMs: number;
  reconnectMaxSeconds: number;
  log?: (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string) => void;
}

/** An SMPP request that failed: `status` is the SMSC's command_status, or undefined for a lost link. */
export class SmppError extends Error {
  constructor(message: string, readonly status?: number, options?: ErrorOptions) {
    super(message, options);
  }
}

interface Pending {
  resolve: (pdu: PDU) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * An SMPP 3.4 transceiver bind that stays up: it binds, keeps the link alive with enquire_link (a link that
 * stops answering is dropped), answers the SMSC's own enquire_link and unbind, and after any loss reconnects
 * with exponential back-off and jitter. Submits wait for a free place in the window; when the link is lost,
 * every submit still waiting for its response fails at once (the outbox retries it).
 *
 * Events: 'bound', 'unbound', and 'deliver' (pdu, respond(status)) for deliver_sm, which must be answered.
 */
export class SmppClient extends EventEmitter {
  private session?: Session;
  private bound = false;
  private stopping = false;
  private failures = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private enquireTimer?: NodeJS.Timeout;
  private readonly pending = new Map<number, Pending>();
  private readonly waiting: { go: () => void; fail: (e: Error) => void }[] = [];
  private inWindow = 0;

  constructor(private readonly opts: SmppClientOptions) {
    super();
  }

  isBound(): boolean {
    return this.bound;
  }

  start(): void {
    this.stopping = false;
    this.connect();
  }

  /** Unbind politely (briefly), then close; no reconnect. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    const session = this.session;
    if (!session) return;
    if (this.bound) {
      await Promise.race([this.request('unbind', {}).catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    }
    await new Promise<void>((resolve) => {
      session.socket.once('close', () => resolve());
      session.destroy();
      setTimeout(resolve, 1000).unref();
    });
  }

  private log(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string): void {
    this.opts.log?.(level, fields, msg);
  }

  private connect(): void {
    const session = smpp.connect({ host: this.opts.host, port: this.opts.port });
    this.session = session;
    session.on('connect', () => void this.bind(session));
    session.on('error', (err: Error) => this.log('warn', { err: err.message }, 'SMPP link error'));
    session.on('close', () => this.lost(session));
    session.on('pdu', (pdu: PDU) => this.onPdu(session, pdu));
  }

  private async bind(session: Session): Promise<void> {
    try {
      const resp = await this.request('bind_transceiver', {
        system_id: this.opts.systemId, password: this.opts.password, system_type: this.opts.systemType,
      }, session);
      if (resp.command_status !== smpp.ESME_ROK) {
        this.log('error', { status: resp.command_status }, 'SMPP bind refused (check SMPP_SYSTEM_ID / SMPP_PASSWORD)');
        session.destroy();
        return;
      }
      this.bound = true;
      this.failures = 0;
      this.keepAlive(session);
      this.log('info', { host: this.opts.host, port: this.opts.port }, 'SMPP bound as transceiver');
      this.emit('bound');
      this.release();
    } catch (err) {
      this.log('warn', { err: (err as Error).message }, 'SMPP bind failed');
      session.destroy();
    }
  }

  private keepAlive(session: Session): void {
    clearInterval(this.enquireTimer);
    this.enquireTimer = setInterval(() => {
      // A link that doesn't answer its enquire_link is dead even if TCP hasn't noticed: drop it.
      this.request('enquire_link', {}, session).catch(() => {
        if (this.session === session) {
          this.log('warn', {}, 'SMPP enquire_link unanswered; reconnecting');
          session.destroy();
        }
      });
    }, this.opts.enquireLinkSeconds * 1000);
    this.enquireTimer.unref();
  }

  private lost(session: Session): void {
    if (this.session !== session) return;
    const wasBound = this.bound;
    this.bound = false;
    this.session = undefined;
    clearInterval(this.enquireTimer);
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new SmppError('SMPP link lost before the response'));
      this.pending.delete(seq);
    }
    for (const w of this.waiting.splice(0)) w.fail(new SmppError('SMPP link lost'));
    if (wasBound) this.emit('unbound');
    if (this.stopping) return;
    const delay = Math.min(this.opts.reconnectMaxSeconds * 1000, 500 * 2 ** this.failures) * (0.5 + Math.random() / 2);
    this.failures = Math.min(this.failures + 1, 20);
    this.log(wasBound ? 'warn' : 'info', { delayMs: Math.round(delay) }, 'SMPP link down; reconnecting');
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
    this.reconnectTimer.unref();
  }

  private onPdu(session: Session, pdu: PDU): void {
    if (pdu.isResponse()) {
      const p = this.pending.get(pdu.sequence_number);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(pdu.sequence_number);
        p.resolve(pdu);
      }
      return;
    }
    switch (pdu.command) {
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        session.send(pdu.response());
        this.bound = false;
        session.close();
        return;
      case 'deliver_sm': {
        let answered = false;
        const respond = (status: number) => {
          if (answered || this.session !== session) return;
          answered = true;
          session.send(pdu.response({ command_status: status }));
        };
        if (this.listenerCount('deliver') === 0) respond(smpp.ESME_RX_T_APPN);
        else this.emit('deliver', pdu, respond);
        return;
      }
      default:
        session.send(pdu.response({ command_status: smpp.errors.ESME_RINVCMDID }));
    }
  }

  /** Send a request and wait for its response (or a timeout, or the link's loss). */
  private request(command: string, params: Record<string, unknown>, session = this.session): Promise<PDU> {
    return new Promise((resolve, reject) => {
      if (!session) return reject(new SmppError('SMPP not connected'));
      const pdu = new smpp.PDU(command, params);
      const sent = session.send(pdu);
      if (!sent) return reject(new SmppError('SMPP link not writable'));
      const timer = setTimeout(() => {
        this.pending.delete(pdu.sequence_number);
        reject(new SmppError(`SMPP ${command} unanswered after ${this.opts.responseTimeoutMs} ms`));
      }, this.opts.responseTimeoutMs);
      this.pending.set(pdu.sequence_number, { resolve, reject, timer });
    });
  }

  private acquire(): Promise<void> {
    if (!this.bound) return Promise.reject(new SmppError('SMPP not bound'));
    if (this.inWindow < this.opts.window) {
      this.inWindow++;
      return Promise.resolve();
    }
    return new Promise((go, fail) => this.waiting.push({ go: () => { this.inWindow++; go(); }, fail }));
  }

  private release(): void {
    while (this.inWindow < this.opts.window && this.waiting.length && this.bound) this.waiting.shift()!.go();
  }

  /** submit_sm within the window; resolves with the SMSC's message id. */
  async submit(params: Record<string, unknown>): Promise<string> {
    await this.acquire();
    try {
      const resp = await this.request('submit_sm', params);
      if (resp.command_status !== smpp.ESME_ROK) {
        throw new SmppError(`SMSC refused submit_sm with status 0x${resp.command_status.toString(16)}`, resp.command_status);
      }
      return String(resp.message_id ?? '');
    } finally {
      this.inWindow--;
      this.release();
    }
  }
}
