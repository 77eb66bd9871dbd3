import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import compress from '@fastify/compress';
import websocket from '@fastify/websocket';
import { ChatConnection } from './connection.ts';
import { webchatHttpRoutes } from './http.ts';
import { ChatHub } from './hub.ts';
import { requireAllowedOrigin } from './origins.ts';
import { webchatPages } from './pages.ts';

/**
 * The web chat: the farmer's and the 信息员's page at `/`, its WebSocket at `/ws/chat` (protocol in
 * docs/webchat-protocol.md), the HTTP fallback under `/webchat/api/` and the embeddable `/widget.js`.
 * Compression and the WebSocket server are registered here, so they apply to these routes only.
 */
export const webchat: FastifyPluginAsyncZod = async (app) => {
  const config = app.config;
  const hub = new ChatHub(app);
  app.addHook('preClose', async () => hub.close());

  await app.register(compress, { global: true, threshold: 1024 });
  await app.register(websocket, {
    // Frames past WEBCHAT_MAX_FRAME_BYTES get an error frame; past four times that, ws closes with 1009.
    options: { maxPayload: config.WEBCHAT_MAX_FRAME_BYTES * 4 },
  });

  app.get(
    '/ws/chat',
    { websocket: true, onRequest: requireAllowedOrigin(config.WEBCHAT_ALLOWED_ORIGINS), schema: { hide: true } },
    (socket, request) => {
      new ChatConnection(app, hub, socket, request.ip);
    },
  );
  await app.register(webchatHttpRoutes, { hub });
  await app.register(webchatPages, { allowedOrigins: config.WEBCHAT_ALLOWED_ORIGINS });
};
