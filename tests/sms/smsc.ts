import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Server, type Session } from 'smpp';

export interface Submitted {
  to: string;
  dataCoding: number;
  text: string;
  udh?: Buffer;
  messageId: string;
  session: number;
}

/**
 * A local SMSC built on the `smpp` package's server side: binds transceivers (checking the password),
 * answers submit_sm with message ids (optionally late, or with an error), answers enquire_link (unless
 * frozen), and can push deliver_sm (texts, parts, receipts) to the bound client.
 */
export class TestSmsc {
  readonly submits: Submitted[] = [];
  readonly binds: string[] = [];
  enquireLinks = 0;
  outstanding = 0;
  maxOutstanding = 0;
  /** delay (ms) before answering a submit_sm, and the status to answer with */
  respond: (s: Omit<Submitted, 'messageId'>) => { delayMs?: number; status?: number } = () => ({});
  frozen = false;
  /** while set, submit_sm answers wait for it to resolve (a congested SMSC), so a window can be observed full */
  hold: Promise<void> | null = null;
  private server?: Server;
  private sessionCount = 0;
  private nextId = 1;
  port = 0;

  constructor(readonly password = 'secret12') {}

  async start(): Promise<this> {
    this.server = smpp.createServer({}, (session: Session) => this.accept(session));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  get sessions(): Session[] {
    return this.server?.sessions ?? [];
  }

  private accept(session: Session): void {
    const no = ++this.sessionCount;
    session.on('error', () => {});
    session.on('bind_transceiver', (pdu: PDU) => {
      if (this.frozen) return;
      if (pdu.password !== this.password) {
        session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
        session.close();
        return;
      }
      this.binds.push(pdu.system_id);
      session.send(pdu.response({ system_id: 'TESTSMSC' }));
    });
    session.on('enquire_link', (pdu: PDU) => {
      if (this.frozen) return;
      this.enquireLinks++;
      session.send(pdu.response());
    });
    session.on('unbind', (pdu: PDU) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: PDU) => {
      if (this.frozen) return;
      const sm = pdu.short_message as { udh?: Buffer[]; message: string };
      const s = {
        to: pdu.destination_addr, dataCoding: pdu.data_coding, text: sm.message,
        udh: sm.udh?.[0], session: no,
      };
      const how = this.respond(s);
      this.outstanding++;
      this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
      const answer = () => {
        this.outstanding--;
        if (how.status) {
          session.send(pdu.response({ command_status: how.status }));
          return;
        }
        const messageId = `M${this.nextId++}`;
        this.submits.push({ ...s, messageId });
        session.send(pdu.response({ message_id: messageId }));
      };
      const gate = this.hold ?? Promise.resolve();
      void gate.then(() => setTimeout(answer, how.delayMs ?? 0));
    });
  }

  /** The bound client's session (the latest). */
  client(): Session {
    const s = this.sessions[this.sessions.length - 1];
    if (!s) throw new Error('no client bound');
    return s;
  }

  /** Push a deliver_sm; resolves with the client's answer status. */
  deliver(params: Record<string, unknown>): Promise<number> {
    return new Promise((resolve, reject) => {
      const ok = this.client().deliver_sm(params, (resp: PDU) => resolve(resp.command_status));
      if (!ok) reject(new Error('client not writable'));
    });
  }

  /** A mobile-originated text (UCS-2), maybe one part of a concatenated message. */
  mo(from: string, text: string, part?: { ref: number; total: number; seq: number }): Promise<number> {
    return this.deliver({
      source_addr: from, source_addr_ton: 1, source_addr_npi: 1, destination_addr: '106900001234', data_coding: 8,
      short_message: part ? { udh: Buffer.from([0x05, 0x00, 0x03, part.ref, part.total, part.seq]), message: text } : { message: text },
    });
  }

  receipt(messageId: string, stat: string): Promise<number> {
    return this.deliver({
      source_addr: '8613800138000', destination_addr: '106900001234', esm_class: 0x04,
      short_message: { message: `id:${messageId} sub:001 dlvrd:001 submit date:2611281200 done date:2611281201 stat:${stat} err:000 text:` },
    });
  }

  /** Cut every link, as a network fault or an SMSC restart would. */
  dropAll(): void {
    for (const s of [...this.sessions]) s.destroy();
  }

  /** The SMS each phone got: parts joined by their concatenation reference. */
  messagesTo(to: string): string[] {
    const out: string[] = [];
    const open = new Map<string, string[]>();
    for (const s of this.submits.filter((x) => x.to === to)) {
      if (!s.udh) {
        out.push(s.text);
        continue;
      }
      const [, , ref, total, seq] = s.udh;
      const key = `${s.session}:${ref}`;
      const parts = open.get(key) ?? [];
      parts[seq - 1] = s.text;
      open.set(key, parts);
      if (parts.filter((p) => p !== undefined).length === total) {
        out.push(parts.join(''));
        open.delete(key);
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
