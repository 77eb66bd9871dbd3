import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

const DIR = fileURLToPath(new URL('./', import.meta.url));
// Chart.js from node_modules, served from here: the console works without any outside network (no CDN).
// (its exports map hides the UMD build; it sits next to the main entry, dist/chart.cjs)
const CHART_JS = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const FILES: Record<string, { file: string; type: string }> = {
  '/admin': { file: `${DIR}index.html`, type: 'text/html; charset=utf-8' },
  '/admin/app.js': { file: `${DIR}app.js`, type: 'text/javascript; charset=utf-8' },
  '/admin/style.css': { file: `${DIR}style.css`, type: 'text/css; charset=utf-8' },
  '/admin/vendor/chart.umd.min.js': { file: CHART_JS, type: 'text/javascript; charset=utf-8' },
};

// Only our own scripts run and no other site may frame the console (it shows farmers' questions).
const HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The administrators' console at /admin: a page, its script and style, and the chart library. */
export const adminConsole: FastifyPluginAsync = async (app) => {
  for (const [url, { file, type }] of Object.entries(FILES)) {
    const body = await readFile(file);
    app.get(url, { schema: { hide: true } }, async (_request, reply) => reply.headers({ ...HEADERS, 'content-type': type }).send(body));
  }
  app.get('/admin/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/admin'));
};
