import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

// The console's page (HTML, script, style) lives with escalation; this file only serves it.
const DIR = fileURLToPath(new URL('../escalation/console/', import.meta.url));
const FILES = {
  '/expert': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/expert/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/expert/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
} as const;

// The console shows farmers' words: nothing but our own script runs, and no other site may frame it.
const HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The expert console at /expert: three small files, read once at start. */
export const expertConsole: FastifyPluginAsync = async (app) => {
  for (const [url, { file, type }] of Object.entries(FILES)) {
    const body = await readFile(`${DIR}${file}`);
    app.get(url, { schema: { hide: true } }, async (_request, reply) => reply.headers({ ...HEADERS, 'content-type': type }).send(body));
  }
  app.get('/expert/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/expert'));
};
