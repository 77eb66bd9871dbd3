import { createHash } from 'node:crypto';
import type { PDU } from 'smpp';
import { smsEncoding, splitParts } from '../encoding.ts';

// SMPP 3.4 message shapes: concatenated submit_sm parts with a UDH, inbound deliver_sm (UDH or SAR
// concatenation, message_payload), and delivery receipts.

const DATA_CODING = { gsm7: 0x00, ucs2: 0x08 } as const;
const ESM_RECEIPT_MASK = 0x3c;

/** Our 8-bit concatenation reference, stable per outbox id: a resent part joins the same message on the phone. */
export function concatRef(outboxId: string): number {
  return createHash('sha1').update(outboxId).digest()[0];
}

/** The submit_sm parameters for one SMS: one PDU, or one per part with a UDH (IEI 0x00, 8-bit ref). */
export function submitParts(
  msg: { id: string; to: string; text: string },
  sourceAddr: string,
): Record<string, unknown>[] {
  const encoding = smsEncoding(msg.text);
  const parts = splitParts(msg.text, encoding);
  const ref = concatRef(msg.id);
  const source = sourceAddr
    ? { source_addr: sourceAddr, source_addr_ton: /^\d+$/.test(sourceAddr) ? 0 : 5, source_addr_npi: /^\d+$/.test(sourceAddr) ? 1 : 0 }
    : {};
  return parts.map((part, i) => ({
    ...source,
    destination_addr: msg.to.replace(/^\+/, ''),
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    registered_delivery: 1,
    data_coding: DATA_CODING[encoding],
    short_message: parts.length === 1
      ? { message: part }
      : { udh: Buffer.from([0x05, 0x00, 0x03, ref, parts.length, i + 1]), message: part },
  }));
}

export interface ConcatInfo {
  ref: number;
  total: number;
  part: number;
}

export type Delivered =
  | { kind: 'receipt'; gatewayId: string; status: string; error?: string }
  | { kind: 'message'; from: string; to: string; text: string | null; concat?: ConcatInfo };

const RECEIPT_STATES: Record<number, string> = {
  1: 'ENROUTE', 2: 'DELIVRD', 3: 'EXPIRED', 4: 'DELETED', 5: 'UNDELIV', 6: 'ACCEPTD', 7: 'UNKNOWN', 8: 'REJECTD',
};

/** What a deliver_sm carries: a delivery receipt, or a farmer's text (maybe one part of a long one). */
export function readDeliverSm(pdu: PDU): Delivered {
  const body = pdu.short_message as { udh?: Buffer[]; message?: string | Buffer } | undefined;
  const payload = pdu.message_payload as { message?: string | Buffer } | undefined;
  const raw = body?.message && body.message.length ? body.message : payload?.message;
  const text = typeof raw === 'string' ? raw : null;
  if ((pdu.esm_class & ESM_RECEIPT_MASK) === 0x04 || pdu.receipted_message_id) {
    const fields = parseReceiptText(text ?? (Buffer.isBuffer(raw) ? raw.toString('latin1') : ''));
    const gatewayId = String(pdu.receipted_message_id ?? fields.id ?? '');
    const status = fields.stat ?? RECEIPT_STATES[pdu.message_state as number] ?? 'UNKNOWN';
    return { kind: 'receipt', gatewayId, status, error: fields.err && fields.err !== '000' ? `err:${fields.err}` : undefined };
  }
  return { kind: 'message', from: String(pdu.source_addr ?? ''), to: String(pdu.destination_addr ?? ''), text, concat: concatOf(pdu, body?.udh) };
}

function concatOf(pdu: PDU, udh: Buffer[] | undefined): ConcatInfo | undefined {
  for (const ie of udh ?? []) {
    if (ie[0] === 0x00 && ie[1] === 0x03 && ie.length >= 5) return { ref: ie[2], total: ie[3], part: ie[4] };
    if (ie[0] === 0x08 && ie[1] === 0x04 && ie.length >= 6) return { ref: ie.readUInt16BE(2), total: ie[4], part: ie[5] };
  }
  if (pdu.sar_msg_ref_num !== undefined && pdu.sar_total_segments && pdu.sar_segment_seqnum) {
    return { ref: pdu.sar_msg_ref_num, total: pdu.sar_total_segments, part: pdu.sar_segment_seqnum };
  }
  return undefined;
}

/** "id:… sub:001 dlvrd:001 submit date:… done date:… stat:DELIVRD err:000 text:…" → its fields. */
export function parseReceiptText(text: string): { id?: string; stat?: string; err?: string } {
  const get = (key: string) => new RegExp(`(?:^|\\s)${key}:(\\S+)`, 'i').exec(text)?.[1];
  return { id: get('id'), stat: get('stat'), err: get('err') };
}
