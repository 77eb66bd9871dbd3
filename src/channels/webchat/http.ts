import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { messagesAfter } from '../../conversations/store.ts';
import { HttpError } from '../../http/errors.ts';
import { errorResponse } from '../../schemas/common.ts';
import { canSeeFarmer, farmerOutOfScope, recordScopeOf } from '../../conversations/scope.ts';
import { farmerHistory, toWireAll } from './history.ts';
import { RESUME_LIMIT } from './protocol.ts';
import type { ChatHub } from './hub.ts';
import { requireAllowedOrigin } from './origins.ts';
import { rateLimitedMessage } from './rate-limit.ts';
import { historyBody, historyResponse, pollQuery, pollResponse, sendBody, sendResponse } from './schemas.ts';
import { ChatError, identify, openThread } from './thread.ts';

/**
 * The same chat over plain HTTP, for networks that block WebSockets: send a message and get the replies in
 * the response; long-poll for what arrives later (an expert's answer). The officer's token, if any, is a
 * bearer header as on the rest of the API.
 */
export const webchatHttpRoutes: FastifyPluginAsyncZod<{ hub: ChatHub }> = async (app, { hub }) => {
  const tags = ['webchat'];
  const originCheck = requireAllowedOrigin(app.config.WEBCHAT_ALLOWED_ORIGINS);

  app.post(
    '/webchat/api/send',
    {
      onRequest: originCheck,
      bodyLimit: app.config.WEBCHAT_MAX_FRAME_BYTES,
      schema: {
        tags,
        summary: '网页聊天（HTTP 兼容方式）：发一条消息，返回回执和答复',
        body: sendBody,
        response: { 200: sendResponse, 400: errorResponse, 401: errorResponse, 403: errorResponse, 429: errorResponse },
      },
    },
    async (request, reply) => {
      const { deviceId, clientId, text } = request.body;
      const principal = await principalOf(app, request);
      const wait = limited(hub, request.ip, deviceId);
      if (wait) {
        void reply.header('retry-after', Math.ceil(wait / 1000));
        throw new HttpError(429, 'rate_limited', rateLimitedMessage(wait));
      }
      const thread = await openThread(app, deviceId, principal);
      let phone: string | undefined;
      const outcome = await app.turns.receive(hub.channel, {
        thread, text, channelMessageId: clientId, onConversation: (_c, farmerPhone) => (phone = farmerPhone),
      });
      return {
        conversationId: thread.conversation.id,
        ack: { clientId, messageId: outcome.inbound.id, conversationId: outcome.conversation.id, duplicate: outcome.duplicate },
        messages: await toWireAll(app.db.pool, [outcome.inbound, ...outcome.replies], { onBehalfOf: phone }),
      };
    },
  );

  app.get(
    '/webchat/api/poll',
    {
      onRequest: originCheck,
      schema: {
        tags,
        summary: '网页聊天（HTTP 兼容方式）：某条消息之后的新消息，没有时最多等 wait 秒',
        querystring: pollQuery(app.config.WEBCHAT_POLL_WAIT_SECONDS),
        response: { 200: pollResponse, 400: errorResponse, 401: errorResponse, 403: errorResponse },
      },
    },
    async (request, reply) => {
      const { deviceId, after = '0', wait } = request.query;
      const thread = await openThread(app, deviceId, await principalOf(app, request));
      const id = thread.conversation.id;
      // Subscribed before the first read, so a message stored in between wakes the wait.
      const arrived = waitForMessage(app, hub, id, wait, reply);
      let missed = await messagesAfter(app.db.pool, id, after, RESUME_LIMIT);
      if (!missed.length && wait > 0) {
        await arrived.promise;
        missed = await messagesAfter(app.db.pool, id, after, RESUME_LIMIT);
      }
      arrived.cancel();
      return { conversationId: id, role: thread.role, messages: await toWireAll(app.db.pool, missed), hasMore: missed.length === RESUME_LIMIT };
    },
  );

  app.post(
    '/webchat/api/history',
    {
      onRequest: originCheck,
      schema: {
        tags,
        summary: '信息员查看某位农户以前的问答（手机号放在请求体里，不进网址和访问日志）：本村本县的农户和自己代问过的农户',
        security: [{ bearer: [] }],
        body: historyBody,
        response: { 200: historyResponse, 400: errorResponse, 401: errorResponse, 403: errorResponse },
      },
    },
    async (request) => {
      const principal = await principalOf(app, request);
      if (!principal) throw new HttpError(401, 'unauthorized', '请先用信息员账号登录');
      const phone = request.body.phone.replace(/^\+?86/, '');
      if (!(await canSeeFarmer(app.db.pool, recordScopeOf(principal), phone))) throw farmerOutOfScope();
      return { phone, messages: await farmerHistory(app.db.pool, phone) };
    },
  );
};

async function principalOf(app: FastifyInstance, request: FastifyRequest) {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  try {
    return await identify(app, m?.[1]);
  } catch (err) {
    if (err instanceof ChatError && err.code === 'invalid_token') throw new HttpError(401, 'unauthorized', err.message, { cause: err });
    if (err instanceof ChatError && err.code === 'forbidden') throw new HttpError(403, 'forbidden', err.message, { cause: err });
    throw err;
  }
}

function limited(hub: ChatHub, ip: string, deviceId: string): number {
  const device = hub.perDevice.bucket(deviceId);
  if (!device.take()) return device.retryAfterMs();
  const perIp = hub.perIp.bucket(ip);
  if (!perIp.take()) return perIp.retryAfterMs();
  return 0;
}

/** Resolves at the first new message, after `seconds`, when the client goes away or the server stops. */
function waitForMessage(app: FastifyInstance, hub: ChatHub, conversationId: string, seconds: number, reply: FastifyReply) {
  let done = () => {};
  const promise = new Promise<void>((resolve) => {
    if (seconds <= 0) return resolve();
    const timer = setTimeout(() => done(), seconds * 1000);
    const stop = app.events.subscribe(conversationId, () => done());
    const onGone = () => done();
    reply.raw.on('close', onGone);
    hub.closing.addEventListener('abort', onGone);
    done = () => {
      clearTimeout(timer);
      stop();
      reply.raw.off('close', onGone);
      hub.closing.removeEventListener('abort', onGone);
      resolve();
    };
  });
  return { promise, cancel: () => done() };
}
