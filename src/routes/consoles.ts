import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

// The two consoles' pages live with what they show (src/admin/console/, src/escalation/console/), and the
// browser code both use in src/ui/; this file only serves them, each file read once at start.
const at = (dir: string) => fileURLToPath(new URL(dir, import.meta.url));
const ADMIN = at('../admin/console/');
const EXPERT = at('../escalation/console/');
const UI = at('../ui/');
// Chart.js from node_modules, served from here: the console works without any outside network (no CDN).
// (its exports map hides the UMD build; it sits next to the main entry, dist/chart.cjs)
const CHART_JS = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

// The consoles show farmers' words: only our own scripts run, and no other site may frame them. The
// administrators' charts are saved as images (blob:).
const csp = (img: string) =>
  `default-src 'self'; script-src 'self'; style-src 'self'; img-src ${img}; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;
const ADMIN_CSP = csp("'self' data: blob:");
const EXPERT_CSP = csp("'self' data:");

const FILES: Record<string, { file: string; type: string; csp: string }> = {
  '/admin': { file: `${ADMIN}index.html`, type: HTML, csp: ADMIN_CSP },
  '/admin/app.js': { file: `${ADMIN}app.js`, type: JS, csp: ADMIN_CSP },
  '/admin/style.css': { file: `${ADMIN}style.css`, type: CSS, csp: ADMIN_CSP },
  '/admin/vendor/chart.umd.min.js': { file: CHART_JS, type: JS, csp: ADMIN_CSP },
  '/expert': { file: `${EXPERT}index.html`, type: HTML, csp: EXPERT_CSP },
  '/expert/app.js': { file: `${EXPERT}app.js`, type: JS, csp: EXPERT_CSP },
  '/expert/style.css': { file: `${EXPERT}style.css`, type: CSS, csp: EXPERT_CSP },
  // one module both consoles import: the API's fetch, toasts, elements, counties and specialties
  '/ui/console.js': { file: `${UI}console.js`, type: JS, csp: EXPERT_CSP },
};

/** The administrators' console at /admin and the experts' at /expert, with the module they share. */
export const consoles: FastifyPluginAsync = async (app) => {
  for (const [url, { file, type, csp: policy }] of Object.entries(FILES)) {
    const body = await readFile(file);
    const headers = {
      'content-security-policy': policy, 'content-type': type,
      'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-cache',
    };
    app.get(url, { schema: { hide: true } }, async (_request, reply) => reply.headers(headers).send(body));
  }
  for (const page of ['/admin', '/expert']) {
    app.get(`${page}/`, { schema: { hide: true } }, async (_request, reply) => reply.redirect(page));
  }
};
