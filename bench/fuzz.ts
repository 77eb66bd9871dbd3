/**
 * npm run fuzz — hostile input against the real server, counting 5xx answers and `internal` socket errors.
 *
 * Starts src/main.ts in a child process (embedded PGlite in a throw-away folder, the signed HTTP SMS
 * gateway, an integration token), creates an expert and an officer through the API, reads every route from
 * the server's own OpenAPI description, then sends FUZZ_REQUESTS requests spread over all of them: NUL
 * bytes, lone surrogates, huge strings, wrong types, bad cursors, bad percent-encoding, over-long path
 * parameters, broken JSON, odd content types, with and without each kind of token; SMS webhooks are signed
 * so their bodies are read. Then FUZZ_FRAMES hostile WebSocket frames on /ws/chat. The target is 0 and 0.
 * Seeded by FUZZ_SEED, so a run can be repeated exactly.
 *
 * Options: FUZZ_REQUESTS=10000 FUZZ_FRAMES=1500 FUZZ_CONCURRENCY=8 FUZZ_SEED=12 FUZZ_DEADLINE=900
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { seeded } from './seeded.ts';
import { freePort } from './server-process.ts';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 1500);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 8);
const DEADLINE = Number(process.env.FUZZ_DEADLINE ?? 900);
const ADMIN = randomBytes(24).toString('hex');
const INTEGRATION = `fuzz-integration-${randomBytes(8).toString('hex')}`;
const SMS_SECRET = `fuzz-sms-secret-${randomBytes(8).toString('hex')}`;

// A small seeded generator (mulberry32): the same FUZZ_SEED sends the same requests.
const { rand, pick } = seeded(Number(process.env.FUZZ_SEED ?? 12));

const HOSTILE_STRINGS = [
  'a\u0000b', '\u0000', 'x\udfffy', '\ud800', '\udc00\ud800', '小麦\u0000条锈病', '你好\ud83d', 'A'.repeat(100_000),
  '字'.repeat(5000), '', ' ', '\t\n\r', '%00', '%', '%E0%A4%A', '../../etc/passwd', "' OR 1=1 --", '"; DROP TABLE users; --',
  '<script>alert(1)</script>', '\u202e\u202d', '😀'.repeat(50), '2026-13-45T99:99:99Z', 'abc|00000000-0000-0000-0000-000000000000',
  '00000000-0000-0000-0000-000000000000', '0b7c1f2e', 'NaN', '-1', '1e309', '9'.repeat(40), 'null', 'true', '{}', '[]',
  '+86 138\u00001234 5678', '１３８１２３４５６７８', '13812345678', '代问 13812345678 \u0000', '退订', '转人工',
];
const HOSTILE_VALUES: unknown[] = [
  ...HOSTILE_STRINGS, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, true, false, null, [], {}, ['\u0000'], [1, 2],
  { $ne: 1 }, { a: { b: { c: '\u0000' } } }, Array.from({ length: 2000 }, () => 'x'),
];
const BAD_PATH_SEGMENTS = ['%E0%A4%A', '%', '%00', '%ED%BF%BF', 'a'.repeat(500), '..', '%2e%2e', '0', 'abc', '%F0%9F%98'];

/** Percent-encoding that also writes a lone surrogate, as the three bytes a sloppy encoder makes of it. */
function enc(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return Array.from(text, (ch) => (/^[\uD800-\uDFFF]$/.test(ch) ? `%ED%${(0xa0 | ((ch.charCodeAt(0) >> 6) & 0x1f)).toString(16).toUpperCase()}%BF` : encodeURIComponent(ch))).join('');
  }
}

interface Route {
  method: string;
  path: string;
  params: string[];
  query: string[];
  body: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


async function startServer(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'fatal',
      NODE_ENV: 'production', ADMIN_TOKEN: ADMIN, INTEGRATION_TOKENS: INTEGRATION,
      SMS_GATEWAY: 'http', SMS_HTTP_URL: 'http://127.0.0.1:9/unused', SMS_HTTP_SECRET: SMS_SECRET,
      WEBCHAT_RATE_PER_IP: '1000000', WEBCHAT_RATE_PER_CONNECTION: '100000', WEBCHAT_POLL_WAIT_SECONDS: '1',
      LOGIN_MAX_FAILURES_PER_IP: '100000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (Date.now() - t0 > 180_000) throw new Error('server not healthy within 180 s');
    if (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)) return { child, port };
    await sleep(200);
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });

/** A raw request: the path is sent byte for byte as given (fetch would normalise a bad one). */
function send(port: number, method: string, rawPath: string, headers: Record<string, string>, body?: string | Buffer) {
  return new Promise<{ status: number; body: string }>((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: rawPath, headers, agent, timeout: 20_000 }, (res) => {
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        // An open event stream (the console's live tickets) answers and stays open: its status is the answer.
        resolve({ status: res.statusCode ?? 0, body: 'event-stream' });
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: -1, body: '' }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: err.message === 'timeout' ? -2 : -1, body: err.message }));
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

async function api(port: number, method: string, url: string, payload?: unknown, token = ADMIN) {
  const res = await send(port, method, url, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload === undefined ? undefined : JSON.stringify(payload));
  return { status: res.status, json: res.body ? JSON.parse(res.body) : undefined };
}

function routesOf(openapi: any): Route[] {
  const out: Route[] = [];
  for (const [p, methods] of Object.entries<any>(openapi.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(methods)) {
      const params = (op.parameters ?? []).filter((x: any) => x.in === 'path').map((x: any) => x.name);
      const query = (op.parameters ?? []).filter((x: any) => x.in === 'query').map((x: any) => x.name);
      const schema = op.requestBody?.content?.['application/json']?.schema;
      out.push({ method: method.toUpperCase(), path: p, params, query, body: Object.keys(schema?.properties ?? {}) });
    }
  }
  // Routes OpenAPI leaves out (hidden, or not JSON): named here so none is skipped.
  for (const extra of [['GET', '/'], ['GET', '/expert'], ['GET', '/chat.js'], ['GET', '/ws/chat'], ['GET', '/metrics'], ['GET', '/docs/json']]) {
    if (!out.some((r) => r.method === extra[0] && r.path === extra[1])) out.push({ method: extra[0], path: extra[1], params: [], query: [], body: [] });
  }
  return out;
}

interface Tokens { expert: string; officer: string }

function hostileBody(route: Route): unknown {
  const shape = rand();
  if (shape < 0.1) return pick(HOSTILE_VALUES); // not an object at all
  const fields = route.body.length ? route.body : ['text', 'id', 'phone'];
  const body: Record<string, unknown> = {};
  for (const f of fields) if (rand() < 0.8) body[f] = rand() < 0.7 ? pick(HOSTILE_VALUES) : plausible(f);
  if (rand() < 0.2) body[pick(HOSTILE_STRINGS).slice(0, 50)] = pick(HOSTILE_VALUES);
  return body;
}

/** A value of the right kind for a field, so requests get past the first check and reach deeper code. */
function plausible(field: string): unknown {
  switch (field) {
    case 'text': return pick(['小麦条锈病用什么药', `你好${pick(['\u0000', '\udfff', ''])}`, '退订', '转人工', '代问 13812345678 玉米价格']);
    case 'from': return { phone: pick(['13812345678', '+86 138 1234 5678', 'a\u0000b']) };
    case 'onBehalfOf': return { phone: pick(['13812345678', '\u0000']) };
    case 'deviceId': return `fuzz-device-${Math.floor(rand() * 50)}-0123456789`;
    case 'clientId': return `c-${Math.floor(rand() * 1e6)}`;
    case 'username': return pick(['admin', 'fuzz_expert', 'a\u0000b']);
    case 'password': return pick(['x', 'long-enough-1', '\udfff']);
    case 'id': return pick([`sms-${Math.floor(rand() * 1e9)}`, 'q\u0000']);
    case 'phone': return pick(['13812345678', '１３８１２３４５６７８']);
    default: return pick(HOSTILE_STRINGS);
  }
}

function hostilePath(route: Route, ids: Record<string, string>): string {
  let p = route.path;
  for (const name of route.params) {
    const value = rand() < 0.6 ? pick(BAD_PATH_SEGMENTS) : rand() < 0.5 ? (ids[name] ?? ids.id) : enc(pick(HOSTILE_STRINGS).slice(0, 300));
    p = p.replace(`{${name}}`, value);
  }
  const query = route.query.length ? route.query : ['q', 'limit'];
  const parts: string[] = [];
  for (const q of query) {
    if (rand() < 0.6) {
      const raw = rand() < 0.3 ? pick(BAD_PATH_SEGMENTS) : enc(pick(HOSTILE_STRINGS).slice(0, rand() < 0.1 ? 100_000 : 500));
      parts.push(`${q}=${raw}`);
      if (rand() < 0.1) parts.push(`${q}=${raw}`); // the same key twice: an array where a string is expected
    }
  }
  if (route.path === '/api/v1/tickets' && rand() < 0.5) parts.push(`before=${pick(['abc%7C00000000-0000-0000-0000-000000000000', '2026-02-30T00:00:00.000Z%7C00000000-0000-0000-0000-000000000000', '%7C', 'x%7Cy%7Cz'])}`);
  if (route.path.includes('/poll')) parts.push('wait=0');
  return parts.length ? `${p}?${parts.join('&')}` : p;
}

/** Signed as the gateway signs: HMAC-SHA256 of "<timestamp>.<raw body>". */
function sign(body: string | Buffer): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  const mac = createHmac('sha256', SMS_SECRET).update(`${ts}.`).update(body).digest('hex');
  return { 'x-yinong-timestamp': ts, 'x-yinong-signature': `sha256=${mac}` };
}

async function main() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'yinong-fuzz-'));
  const { child, port } = await startServer(dataDir);
  const giveUp = setTimeout(() => {
    console.error(`fuzz exceeded FUZZ_DEADLINE=${DEADLINE}s`);
    child.kill('SIGKILL');
    process.exit(2);
  }, DEADLINE * 1000);
  giveUp.unref();
  try {
    const tokens = await accounts(port);
    const ids = await knownIds(port);
    const openapi = JSON.parse((await send(port, 'GET', '/docs/json', {})).body);
    const routes = routesOf(openapi);
    const http5xx: string[] = [];
    // The server may close a connection instead of answering: Node does after a 431 (headers over 16 KB),
    // and a refusal sent before a large body is read ends the connection under the client's write.
    const closed: string[] = [];
    const byStatus = new Map<number, number>();
    const perRoute = new Map<string, number>();
    let sent = 0;
    const t0 = Date.now();
    const worker = async () => {
      while (sent < REQUESTS) {
        const n = sent++;
        const route = routes[n % routes.length];
        const result = await fuzzOne(port, route, ids, tokens);
        byStatus.set(result.status, (byStatus.get(result.status) ?? 0) + 1);
        perRoute.set(`${route.method} ${route.path}`, (perRoute.get(`${route.method} ${route.path}`) ?? 0) + 1);
        if (result.status >= 500 || result.status === -2) http5xx.push(`${result.status} ${result.what} → ${result.body.slice(0, 160)}`);
        if (result.status === -1) closed.push(`${result.what} → ${result.body}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const httpSeconds = (Date.now() - t0) / 1000;
    const ws = await fuzzSocket(port, tokens);
    const report = {
      requests: REQUESTS, routes: routes.length, seconds: +httpSeconds.toFixed(1),
      status: Object.fromEntries([...byStatus].sort((a, b) => a[0] - b[0])),
      '5xx_or_timeout': http5xx.length, closedWithoutStatus: closed.length, frames: ws.frames, socketInternalErrors: ws.internal, socketOtherErrors: ws.errors,
      socketsClosedByServer: ws.dropped,
    };
    console.log(JSON.stringify(report, null, 2));
    for (const line of http5xx.slice(0, 30)) console.log(line);
    if (process.env.FUZZ_VERBOSE) for (const line of closed.slice(0, 30)) console.log('closed:', line);
    for (const line of ws.samples.slice(0, 10)) console.log(line);
    if (http5xx.length || ws.internal) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function accounts(port: number): Promise<Tokens> {
  const made: Record<string, string> = {};
  for (const [username, role, extra] of [
    ['fuzz_expert', 'expert', { specialties: ['植保'], workDays: [1, 2, 3, 4, 5, 6, 7], workHours: '00:00-24:00' }],
    ['fuzz_officer', 'officer', { counties: ['嘉祥县'], village: '王庄村' }],
  ] as const) {
    const password = 'fuzz-password-2024';
    const created = await api(port, 'POST', '/api/v1/users', { username, password, role, name: username, ...extra });
    if (created.status !== 201) throw new Error(`could not create ${username}: ${JSON.stringify(created.json)}`);
    const login = await api(port, 'POST', '/api/v1/auth/login', { username, password }, '');
    made[role] = login.json.token;
  }
  return { expert: made.expert, officer: made.officer };
}

/** Real ids, so some requests reach the code behind "not found". */
async function knownIds(port: number): Promise<Record<string, string>> {
  const asked = await api(port, 'POST', '/api/v1/messages', { text: '小麦条锈病用什么药防治', from: { phone: '13800001111' } });
  const ticket = asked.json?.replies?.[0]?.ticketId ?? '00000000-0000-4000-8000-000000000000';
  return { id: ticket, conversationId: asked.json?.conversationId ?? ticket };
}

async function fuzzOne(port: number, route: Route, ids: Record<string, string>, tokens: Tokens) {
  const token = pick(['', ADMIN, INTEGRATION, tokens.expert, tokens.officer, 'garbage\u00ff', `${tokens.expert}x`]);
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  const url = hostilePath(route, ids);
  let body: string | Buffer | undefined;
  if (route.method !== 'GET' && route.method !== 'HEAD') {
    const kind = rand();
    if (kind < 0.75) {
      body = JSON.stringify(hostileBody(route));
      headers['content-type'] = 'application/json';
    } else if (kind < 0.85) {
      body = pick(['{"text":', '{"a":"\\ud800"}', '{"a":"\\u0000"}', 'null', '"x"', '[', '{}'.repeat(1000)]);
      headers['content-type'] = 'application/json';
    } else if (kind < 0.92) {
      body = Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]);
      headers['content-type'] = pick(['application/json', 'text/plain', 'application/octet-stream']);
    } else {
      body = 'a=b&c=%00';
      headers['content-type'] = pick(['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/xml']);
    }
    if (route.path.startsWith('/webhooks/sms/http')) Object.assign(headers, sign(body));
  }
  if (route.path.startsWith('/webchat/')) headers.origin = pick(['http://127.0.0.1', 'null', 'http://evil.example']);
  const res = await send(port, route.method, url, headers, body);
  return { ...res, what: `${route.method} ${url.slice(0, 160)}` };
}

async function fuzzSocket(port: number, tokens: Tokens) {
  const frames: string[] = [
    'not json', '{', '[]', 'null', '{"type":5}', '{"type":"\\u0000"}', JSON.stringify({ type: 'message', clientId: 'c1', text: 'x\udfffy' }),
    JSON.stringify({ type: 'message', clientId: 'c\u0000', text: 'a\u0000b' }), JSON.stringify({ type: 'message', clientId: 'c2', text: '字'.repeat(3000) }),
    JSON.stringify({ type: 'history', phone: '\u0000' }), JSON.stringify({ type: 'history', phone: '13812345678' }),
    JSON.stringify({ type: 'hello', deviceId: '\udfff'.repeat(20) }), JSON.stringify({ type: 'hello', deviceId: 'fuzz-device-0123456789', token: 'x\u0000' }),
    JSON.stringify({ type: 'ping', t: 'x' }), JSON.stringify({ type: 'typing', extra: {} }), JSON.stringify({ type: 'message', clientId: 'c3', text: '代问 13812345678 \udfff' }),
    JSON.stringify({ type: 'message', clientId: 'c4', text: '退订' }), JSON.stringify({ type: 'message', clientId: 'c5', text: '转人工' }),
  ];
  let internal = 0;
  let errors = 0;
  let dropped = 0;
  let sentFrames = 0;
  const samples: string[] = [];
  const perSocket = 100;
  for (let s = 0; sentFrames < FRAMES; s++) {
    const officer = s % 3 === 0;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/chat`, { headers: { origin: `http://127.0.0.1:${port}` } });
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('error', () => resolve(false));
    });
    if (!opened) {
      dropped++;
      continue;
    }
    ws.on('message', (data) => {
      let f: any;
      try {
        f = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (f.type !== 'error') return;
      if (f.code === 'internal') {
        internal++;
        if (samples.length < 20) samples.push(`ws internal: ${data.toString().slice(0, 160)}`);
      } else errors++;
    });
    ws.send(JSON.stringify({ type: 'hello', deviceId: `fuzz-socket-${s}-0123456789abcdef`, ...(officer ? { token: tokens.officer } : {}) }));
    for (let i = 0; i < perSocket && sentFrames < FRAMES; i++, sentFrames++) {
      if (ws.readyState !== WebSocket.OPEN) break;
      const frame = rand() < 0.1 ? Buffer.from([0xff, 0x00, 0xfe]) : pick(frames);
      ws.send(frame);
      if (i % 10 === 0) await sleep(20);
    }
    await sleep(500);
    if (ws.readyState !== WebSocket.OPEN) dropped++;
    ws.close();
  }
  return { frames: sentFrames, internal, errors, dropped, samples };
}

main().then(() => process.exit(process.exitCode ?? 0), (err) => {
  console.error(err);
  process.exit(1);
});
