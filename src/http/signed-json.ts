import type { FastifyInstance } from 'fastify';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../webhooks/signature.ts';
import { badRequest, unauthorized } from './errors.ts';
import { forbiddenKeyMessage, forbiddenKeyPath } from './json-body.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies signed over their raw bytes (the SMS gateway's and the province's webhooks): headers present
 * (401), signature and age (401, nothing read), then UTF-8 and JSON (400). Registers on this plugin only.
 */
export function acceptSignedJson(
  app: FastifyInstance,
  opts: { secret: string; maxAge: number; bodyLimit: number; encodingHint?: string },
): void {
  app.addHook('onRequest', async (request) => {
    if (!request.headers[TIMESTAMP_HEADER] || !request.headers[SIGNATURE_HEADER]) {
      throw unauthorized('缺少 X-Yinong-Timestamp 或 X-Yinong-Signature 签名头');
    }
  });
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: opts.bodyLimit }, (request, body, done) => {
    const raw = body as Buffer;
    const verdict = verifySignature(
      opts.secret, { timestamp: request.headers[TIMESTAMP_HEADER], signature: request.headers[SIGNATURE_HEADER] }, raw, opts.maxAge,
    );
    if (!verdict.ok) return done(unauthorized(verdict.reason));
    let text: string;
    try {
      text = utf8.decode(raw);
    } catch {
      return done(badRequest(`请求体不是有效的 UTF-8 文本${opts.encodingHint ?? ''}`, 'invalid_encoding'));
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return done(badRequest('请求体不是有效的 JSON', 'invalid_json'));
    }
    const forbidden = forbiddenKeyPath(value);
    if (forbidden) return done(badRequest(forbiddenKeyMessage(forbidden), 'forbidden_key'));
    done(null, value);
  });
}
