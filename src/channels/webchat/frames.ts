import type { RawData } from 'ws';
import { parseFrame, type ParsedFrame } from './protocol.ts';

/**
 * One incoming socket frame as a client frame, or the error to send back: too large, binary, or not a frame
 * of the protocol (src/channels/webchat/protocol.ts). The frame rate is the connection's to check.
 */
export function readFrame(data: RawData, isBinary: boolean, maxBytes: number): ParsedFrame {
  const bytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
  if (bytes > maxBytes) {
    return { ok: false, code: 'too_large', message: `消息太长了（超过 ${maxBytes} 字节），请分几次发` };
  }
  if (isBinary) return { ok: false, code: 'invalid_frame', message: '只接受文字（JSON）消息' };
  return parseFrame(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
}
