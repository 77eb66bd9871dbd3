import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from '../errors.ts';
import { issuesMessage } from './validation.ts';

/** An error the caller can act on, raised by the HTTP layer itself: `{"error": {"code", "message"}}`. */
export class HttpError extends AppError {}

export const badRequest = (message: string, code = 'bad_request') => new HttpError(400, code, message);
export const unauthorized = (message = '需要登录：请在 Authorization 头里带上有效的 Bearer 令牌') =>
  new HttpError(401, 'unauthorized', message);
export const forbidden = (message = '没有权限做这件事') => new HttpError(403, 'forbidden', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);

export interface ErrorBody {
  error: { code: string; message: string };
}

const body = (code: string, message: string): ErrorBody => ({ error: { code, message } });

const WHERE: Record<string, string> = { body: '请求体', querystring: '查询参数', params: '路径参数', headers: '请求头' };

/**
 * Fastify's and its parsers' own refusals, in our shape and in Chinese. Anything 4xx not listed keeps its
 * status with a generic message: the library's English never reaches a farmer or an officer.
 */
export function frameworkError(err: FastifyError): { status: number; body: ErrorBody } | undefined {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_INVALID_URL':
      return { status: 400, body: body('bad_url', '网址格式不对（含有无法识别的字符），请检查链接是否完整、是否被截断') };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, body: body('url_too_long', '网址里的编号太长了，请检查是否复制了多余的内容') };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: body('invalid_json', '请求体不是有效的 JSON，请检查括号、引号和逗号') };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: body('body_too_large', '请求体太大，请把内容分几次发送') };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return { status: 415, body: body('unsupported_media_type', '请用 Content-Type: application/json 发送') };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: body('bad_request', '请求头 Content-Length 与实际内容长度不符') };
    case 'FST_ERR_CTP_INVALID_CHARSET':
      return { status: 415, body: body('unsupported_media_type', '请用 UTF-8 编码发送') };
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return { status: 400, body: body('bad_request', '请求无法处理，请检查请求头') };
  }
  if (err.validation && Array.isArray(err.validation)) {
    const issues = err.validation.map((v) => ({
      path: (v.params as { path?: string[] } | undefined)?.path ?? (v.instancePath || '').split('/').filter(Boolean),
      message: String(v.message),
    }));
    const where = err.validationContext && WHERE[err.validationContext] ? `（${WHERE[err.validationContext]}）` : '';
    return { status: 400, body: body('invalid_request', `请求内容有误${where}：${issuesMessage(issues)}`) };
  }
  return undefined;
}

/** Fastify's `frameworkErrors` option: bad URLs and over-long parameters, answered before any route runs. */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const known = frameworkError(err) ?? { status: 400, body: body('bad_request', '请求格式不对') };
  void reply.status(known.status).send(known.body);
}

/**
 * The one error handler: an AppError (ours or a domain's) keeps its message and 4xx status; Fastify's own
 * refusals are put in the same shape and language; anything else is logged in full and answered with a
 * plain 500 that reveals nothing of the inside.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      // Its message was written for the caller; a 5xx one (a service down) is still worth a log line.
      if (err.statusCode >= 500) request.log.error({ err }, 'service unavailable');
      return reply.status(err.statusCode).send(body(err.code, err.message));
    }
    const known = frameworkError(err);
    if (known) return reply.status(known.status).send(known.body);
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // A 4xx from a plugin we have not worded: keep the status, not the English.
      request.log.info({ code: err.code, message: err.message }, 'request refused');
      return reply.status(status).send(body(status === 404 ? 'not_found' : 'bad_request', '请求无法处理，请检查后再试'));
    }
    if (isResponseSerializationError(err)) request.log.error({ err, cause: err.cause }, 'response did not match its schema');
    else request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(body('internal', '服务器出了点问题，请稍后再试'));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(body('not_found', `没有这个地址：${request.method} ${request.url.split('?')[0].slice(0, 200)}`)),
  );
}
