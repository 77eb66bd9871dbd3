import { randomUUID } from 'node:crypto';
import smpp, { type PDU } from 'smpp';
import { GatewayError, type GatewayMessage, type SmsGateway } from '../gateway.ts';
import { InboundRejected, storeInbound, type InboundDeps, type StoredInbound } from '../inbound.ts';
import { recordReceipt } from '../outbox-store.ts';
import { parseSmsPhone } from '../phone.ts';
import { SmppClient, SmppError, type SmppClientOptions } from './client.ts';
import { readDeliverSm, submitParts } from './codec.ts';
import { addPart } from './parts.ts';

// SMSC answers that say "not now" rather than "never": the outbox retries these.
const TRANSIENT = new Set([
  smpp.ESME_RTHROTTLED, smpp.ESME_RMSGQFUL, smpp.ESME_RSYSERR, smpp.ESME_RX_T_APPN, smpp.ESME_RINVBNDSTS,
  smpp.errors.ESME_RSUBMITFAIL, smpp.errors.ESME_RUNKNOWNERR,
]);

export interface SmppGatewayOptions extends SmppClientOptions {
  sourceAddr: string;
  inbound: InboundDeps;
  /** a stored inbound message to handle (the conversation turn), after the SMSC has its answer */
  onStored: (stored: StoredInbound) => void;
  onRejected?: (reason: string, fields: Record<string, unknown>) => void;
}

/**
 * The SMSC as a gateway: submits in UCS-2 (or GSM-7) with concatenation, within the client's window; takes
 * inbound texts and receipts from deliver_sm. A deliver_sm is answered only after its content is stored, so
 * a crash before that makes the SMSC deliver it again; a refused one is answered with a permanent error.
 */
export class SmppGateway implements SmsGateway {
  readonly name = 'smpp';
  // SMPP has no client request id the SMSC dedupes on.
  readonly idempotent = false;
  readonly window: number;
  readonly client: SmppClient;
  readonly counters = { received: 0, receipts: 0, rejected: 0 };

  constructor(private readonly opts: SmppGatewayOptions) {
    this.window = opts.window;
    this.client = new SmppClient(opts);
    this.client.on('deliver', (pdu: PDU, respond: (status: number) => void) => void this.onDeliver(pdu, respond));
  }

  ready(): boolean {
    return this.client.isBound();
  }

  async start(): Promise<void> {
    this.client.start();
  }

  async stop(): Promise<void> {
    await this.client.stop();
  }

  async send(msg: GatewayMessage): Promise<{ gatewayIds: string[] }> {
    const parts = submitParts(msg, this.opts.sourceAddr);
    try {
      return { gatewayIds: await Promise.all(parts.map((p) => this.client.submit(p))) };
    } catch (err) {
      const status = err instanceof SmppError ? err.status : undefined;
      const permanent = status !== undefined && !TRANSIENT.has(status);
      throw new GatewayError((err as Error).message, permanent, undefined, { cause: err });
    }
  }

  private async onDeliver(pdu: PDU, respond: (status: number) => void): Promise<void> {
    try {
      const d = readDeliverSm(pdu);
      if (d.kind === 'receipt') {
        if (d.gatewayId) await recordReceipt(this.opts.inbound.pool, 'smpp', d.gatewayId, d.status, d.error);
        this.counters.receipts++;
        respond(smpp.ESME_ROK);
        return;
      }
      if (d.text === null) throw new InboundRejected('invalid_encoding', `unsupported data_coding 0x${Number(pdu.data_coding).toString(16)}`);
      const phone = parseSmsPhone(d.from);
      if (!phone.ok) throw new InboundRejected('invalid_phone', phone.reason);
      let stored: StoredInbound | null;
      if (d.concat && d.concat.total > 1) {
        if (d.concat.part < 1 || d.concat.part > d.concat.total) throw new InboundRejected('invalid_id', 'concatenation part out of range');
        stored = await addPart(this.opts.inbound, { phone: phone.key, to: d.to || null, text: d.text, concat: d.concat });
      } else {
        // SMPP gives a deliver_sm no id of its own: each is a new message (see README, "SMS").
        stored = await storeInbound(this.opts.inbound, { gateway: 'smpp', gatewayMessageId: `smpp:${randomUUID()}`, from: phone.key, to: d.to, text: d.text });
      }
      this.counters.received++;
      respond(smpp.ESME_ROK);
      if (stored?.claimed) this.opts.onStored(stored);
    } catch (err) {
      if (err instanceof InboundRejected) {
        this.counters.rejected++;
        this.opts.onRejected?.(err.message, { code: err.code });
        respond(smpp.ESME_RX_P_APPN);
        return;
      }
      // Our trouble (the database): a temporary error makes the SMSC try again later.
      this.opts.log?.('error', { err }, 'SMPP deliver_sm not stored; asked the SMSC to retry');
      respond(smpp.ESME_RX_T_APPN);
    }
  }
}
