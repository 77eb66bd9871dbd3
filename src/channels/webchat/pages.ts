import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { frameAncestors } from './origins.ts';

export const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

/**
 * The chat page at `/` and the embeddable `/widget.js`: hand-written files served as they are (compressed
 * by the plugin around this one). The page may only talk to its own origin and be framed by the sites
 * allowed in WEBCHAT_ALLOWED_ORIGINS.
 */
export const webchatPages: FastifyPluginAsync<{ allowedOrigins: string[] }> = async (app, { allowedOrigins }) => {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors(allowedOrigins)}`,
  ].join('; ');

  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/',
    // One route per file found at start: unknown paths keep the API's JSON 404.
    wildcard: false,
    index: 'index.html',
    decorateReply: false,
    cacheControl: false,
    setHeaders(res, file) {
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      if (file.endsWith('.html')) {
        res.setHeader('content-security-policy', csp);
        res.setHeader('cache-control', 'no-cache');
      } else {
        // Short, with ETag revalidation: a new release reaches phones within minutes.
        res.setHeader('cache-control', 'public, max-age=300');
      }
    },
  });
};
