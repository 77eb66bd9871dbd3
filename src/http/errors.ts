import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { DataError } from '../data/errors.ts';
import { DocumentError } from '../knowledge/documents.ts';

/** An error the caller can act on: becomes `{"error": {"code", "message"}}` with its 4xx status. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const badRequest = (message: string, code = 'bad_request') => new HttpError(400, code, message);
export const unauthorized = (message = '需要登录：请在 Authorization 头里带上有效的 Bearer 令牌') =>
  new HttpError(401, 'unauthorized', message);
export const forbidden = (message = '没有权限做这件事') => new HttpError(403, 'forbidden', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);

/**
 * The one error handler: caller mistakes keep their message and 4xx status; anything else is logged in
 * full and answered with a plain 500 that reveals nothing of the inside.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof HttpError) {
      return reply.status(err.statusCode).send({ error: { code: err.code, message: err.message } });
    }
    if (err instanceof DataError || err instanceof DocumentError) {
      return reply.status(400).send({ error: { code: err.code, message: err.message } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => {
        const where = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
        return where ? `${where}：${v.message}` : String(v.message);
      });
      return reply.status(400).send({
        error: { code: 'invalid_request', message: `请求内容有误：${details.join('；')}` },
      });
    }
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return reply.status(400).send({ error: { code: 'invalid_json', message: '请求体不是有效的 JSON' } });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({ error: { code: 'body_too_large', message: '请求体太大' } });
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply
        .status(415)
        .send({ error: { code: 'unsupported_media_type', message: '请用 Content-Type: application/json 发送' } });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: err.code ?? 'bad_request', message: err.message } });
    }
    if (isResponseSerializationError(err)) request.log.error({ err, cause: err.cause }, 'response did not match its schema');
    else request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: '服务器出了点问题，请稍后再试' } });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `没有这个地址：${request.method} ${request.url}` } }),
  );
}
