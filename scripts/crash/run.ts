/**
 * npm run test:crash — kill -9 the real server under load, restart it, and check that no farmer lost a reply
 * and none got one twice.
 *
 * The server is dist/main.js under node, as `npm start` runs it, on a fresh database of a PostgreSQL server
 * (TEST_DATABASE_URL, or a throw-away cluster from scripts/pg/start-test-server.sh, stopped again at the end).
 * Its outbound SMS go to a real local HTTP gateway (tests/sms/gateway.ts: checks our signature, dedupes on our
 * request id as an aggregator does). Load comes in as a gateway delivers it (the signed SMS webhook, resent
 * until it gets a 200) and as an integration sends it (POST /api/v1/messages, resent with the same messageId
 * until it gets an answer). Meanwhile the server is killed with SIGKILL at random moments and started again.
 *
 * At the end, with the server up and quiet, the database must show: each text sent is one stored message
 * with exactly one reply; each SMS reply went to the gateway, exactly once per phone. The figures are printed;
 * the exit code is 1 on any loss or double.
 *
 *   npm run test:crash                 50 kills (about 10 minutes on 2 cores)
 *   npm run test:crash -- --kills 3    a short run
 *   options: --kills N --senders N --min-up-ms N --max-up-ms N --seed N
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { buildDist, scratchDatabase, startServer, type ServerProcess } from '../../bench/server-process.ts';
import { sign } from '../../src/webhooks/signature.ts';
import { SECRET, TestGateway } from '../../tests/sms/gateway.ts';
import { CRASH_TEXTS } from './texts.ts';
import { seeded } from '../../bench/seeded.ts';

const root = path.resolve(import.meta.dirname, '../..');
const { values: args } = parseArgs({
  options: {
    kills: { type: 'string', default: '50' },
    senders: { type: 'string', default: '6' },
    'min-up-ms': { type: 'string', default: '300' },
    'max-up-ms': { type: 'string', default: '4000' },
    seed: { type: 'string', default: '7' },
  },
});
const positive = (name: string, raw: string, min = 1): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return n;
};
const KILLS = positive('kills', args.kills!, 0);
const SENDERS = positive('senders', args.senders!);
const MIN_UP = positive('min-up-ms', args['min-up-ms']!, 0);
const MAX_UP = Math.max(MIN_UP, positive('max-up-ms', args['max-up-ms']!, 0));
const INTEGRATION = 'crash-integration-token-0123456789';
const PHONES = Array.from({ length: 40 }, (_, i) => `139${String(53700000 + i * 7919).padStart(8, '0')}`);

// A seeded generator (mulberry32): the same --seed makes the same texts, phones and kill moments.
const { rand, pick } = seeded(positive('seed', args.seed!, 0));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One text as it was sent: its channel's key in `messages.channel_message_id`, and how it came in. */
interface Sent {
  key: string;
  via: 'sms' | 'api';
  phone: string;
  attempts: number;
}

/** The server of the moment (undefined while it is dead) and what the load saw. */
const state = {
  server: undefined as ServerProcess | undefined,
  sending: true,
  sent: [] as Sent[],
  refused: [] as string[],
  resends: 0,
};

async function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: any } | undefined> {
  try {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(60_000) });
    return { status: res.status, json: await res.json().catch(() => undefined) };
  } catch {
    return undefined; // the server died under the request, or is not up yet
  }
}

/** Deliver one text the way its sender would: again and again with the same id until the server takes it. */
async function deliver(n: number, sender: number): Promise<void> {
  const phone = pick(PHONES);
  const text = pick(CRASH_TEXTS);
  const via: Sent['via'] = rand() < 0.8 ? 'sms' : 'api';
  const id = `crash-${sender}-${n}`;
  const sent: Sent = { key: via === 'sms' ? `http:${id}` : id, via, phone, attempts: 0 };
  state.sent.push(sent);
  const raw = JSON.stringify(via === 'sms' ? { id, from: phone, to: '106900001234', text } : { from: { phone }, text, messageId: id });
  for (;;) {
    const base = state.server?.base;
    if (!base) {
      await sleep(100);
      continue;
    }
    sent.attempts++;
    if (sent.attempts > 1) state.resends++;
    const ts = String(Math.floor(Date.now() / 1000));
    const res = via === 'sms'
      ? await post(`${base}/webhooks/sms/http`, raw, { 'x-yinong-timestamp': ts, 'x-yinong-signature': sign(SECRET, ts, raw) })
      : await post(`${base}/api/v1/messages`, raw, { authorization: `Bearer ${INTEGRATION}` });
    if (res?.status === 200) {
      // A gateway stops at a 200 (in_progress and stored included: the text is ours now); the API caller has its replies.
      if (via === 'api' && !res.json?.replies?.length) state.refused.push(`${id}: 200 with no reply`);
      return;
    }
    if (res && res.status < 500) {
      state.refused.push(`${id}: ${res.status} ${JSON.stringify(res.json)}`);
      return;
    }
    await sleep(150 + rand() * 300);
  }
}

async function sender(i: number): Promise<void> {
  for (let n = 0; state.sending; n++) await deliver(n, i);
}

async function killLoop(databaseUrl: string, dataDir: string, gateway: TestGateway): Promise<{ starts: number[] }> {
  const env = {
    SMS_GATEWAY: 'http', SMS_HTTP_URL: gateway.url, SMS_HTTP_SECRET: SECRET, SMS_HTTP_TIMEOUT_MS: '2000',
    SMS_LEASE_SECONDS: '5', SMS_INBOX_RETRY_SECONDS: '3', SMS_RETRY_BASE_MS: '200', SMS_RETRY_MAX_MS: '2000',
    SMS_RATE_PER_SECOND: '500', SMS_MAX_ATTEMPTS: '20', INTEGRATION_TOKENS: INTEGRATION, LOG_LEVEL: 'fatal',
  };
  const starts: number[] = [];
  for (let k = 0; k <= KILLS; k++) {
    const server = await startServer({ databaseUrl, dataDir, env });
    starts.push(server.startSeconds);
    state.server = server;
    if (k === KILLS) break;
    await sleep(MIN_UP + rand() * (MAX_UP - MIN_UP));
    state.server = undefined;
    server.child.kill('SIGKILL');
    if (server.child.exitCode === null && server.child.signalCode === null) await once(server.child, 'exit');
    process.stderr.write(`kill ${k + 1}/${KILLS} (${state.sent.length} texts so far)\n`);
  }
  return { starts };
}

/** Wait until the server has finished everything it took: no inbound row in progress, no SMS waiting. */
async function settle(db: pg.Client, timeoutMs = 300_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ inbox: number; outbox: number }>(
      `SELECT (SELECT count(*)::int FROM sms_inbox WHERE status = 'received') AS inbox,
              (SELECT count(*)::int FROM sms_outbox WHERE status IN ('queued', 'sending')) AS outbox`,
    );
    if (rows[0].inbox === 0 && rows[0].outbox === 0) return;
    if (Date.now() > until) throw new Error(`not settled after ${timeoutMs / 1000} s: ${JSON.stringify(rows[0])}`);
    await sleep(500);
  }
}

interface Figures {
  kills: number;
  inbound: number;
  viaSms: number;
  viaApi: number;
  resends: number;
  lost: string[];
  doubled: string[];
  smsSent: number;
  smsUnsent: string[];
  smsDoubled: string[];
  gatewayResends: number;
}

async function check(db: pg.Client, gateway: TestGateway): Promise<Figures> {
  const keys = state.sent.map((s) => s.key);
  const { rows } = await db.query<{ key: string; inbound: number; replies: number; keys: number }>(
    `SELECT k.key, count(DISTINCT m.id)::int AS inbound, count(r.id)::int AS replies,
            count(DISTINCT r.channel_message_id)::int AS keys
       FROM unnest($1::text[]) AS k(key)
       LEFT JOIN messages m ON m.channel_message_id = k.key AND m.author <> 'bot'
       LEFT JOIN messages r ON r.reply_to = m.id AND r.author = 'bot'
      GROUP BY k.key`,
    [keys],
  );
  const lost: string[] = [];
  const doubled: string[] = [];
  for (const r of rows) {
    if (r.inbound === 0) lost.push(`${r.key}: never stored`);
    else if (r.replies === 0) lost.push(`${r.key}: no reply`);
    else if (r.inbound > 1) doubled.push(`${r.key}: stored ${r.inbound} times`);
    else if (r.replies > 1) doubled.push(`${r.key}: ${r.replies} replies`);
  }
  const failedInbox = await db.query<{ gateway_message_id: string; last_error: string }>(
    `SELECT gateway_message_id, last_error FROM sms_inbox WHERE status = 'failed'`,
  );
  for (const f of failedInbox.rows) lost.push(`http:${f.gateway_message_id}: given up (${f.last_error})`);
  // Every reply in an SMS conversation has its outbox rows, each sent and handed to a phone once.
  const sms = await db.query<{ message_id: string; outbox: string | null; status: string | null }>(
    `SELECT r.id AS message_id, o.id AS outbox, o.status
       FROM messages m JOIN conversations c ON c.id = m.conversation_id AND c.channel = 'sms'
       JOIN messages r ON r.reply_to = m.id AND r.author = 'bot'
       LEFT JOIN sms_outbox o ON o.message_id = r.id
      WHERE m.channel_message_id = ANY($1::text[])`,
    [keys],
  );
  const smsUnsent: string[] = [];
  const smsDoubled: string[] = [];
  let smsSent = 0;
  for (const r of sms.rows) {
    if (!r.outbox) smsUnsent.push(`reply ${r.message_id}: never queued`);
    else if (r.status !== 'sent' && r.status !== 'delivered') smsUnsent.push(`reply ${r.message_id}: ${r.status}`);
    else if (!gateway.delivered.has(r.outbox)) smsUnsent.push(`reply ${r.message_id}: marked sent, never reached the gateway`);
    else smsSent++;
  }
  // The gateway dedupes on our request id; a second phone delivery of one reply would be a second row id.
  const handed = new Map<string, number>();
  for (const d of gateway.delivered.values()) handed.set(`${d.to}|${d.text}`, (handed.get(`${d.to}|${d.text}`) ?? 0) + 1);
  const rowsPerText = await db.query<{ phone: string; text: string; n: number }>(
    `SELECT phone, text, count(*)::int AS n FROM sms_outbox GROUP BY phone, text`,
  );
  for (const r of rowsPerText.rows) {
    const got = handed.get(`${r.phone}|${r.text}`) ?? 0;
    if (got > r.n) smsDoubled.push(`${r.phone}: "${r.text.slice(0, 20)}…" handed ${got} times for ${r.n} rows`);
  }
  return {
    kills: KILLS, inbound: state.sent.length, viaSms: state.sent.filter((s) => s.via === 'sms').length,
    viaApi: state.sent.filter((s) => s.via === 'api').length, resends: state.resends, lost, doubled,
    smsSent, smsUnsent, smsDoubled, gatewayResends: gateway.requests.length - gateway.delivered.size,
  };
}

/** TEST_DATABASE_URL, or a throw-away cluster of this run's own (its own state file: nobody else's is stopped). */
async function postgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, stop: async () => {} };
  const run = promisify(execFile);
  const env = { ...process.env, YINONG_PG_STATE: `/tmp/yinong-pg-crash-${process.pid}.state` };
  const { stdout } = await run('bash', [path.join(root, 'scripts/pg/start-test-server.sh')], { env, timeout: 900_000 });
  const url = /^export TEST_DATABASE_URL=(\S+)$/m.exec(stdout)?.[1];
  if (!url) throw new Error('no PostgreSQL server: set TEST_DATABASE_URL, or run as root so that scripts/pg/start-test-server.sh can start one');
  return { url, stop: async () => void (await run('bash', [path.join(root, 'scripts/pg/stop-test-server.sh')], { env }).catch(() => {})) };
}

async function main(): Promise<number> {
  const t0 = performance.now();
  await buildDist();
  const server = await postgres();
  const scratch = await scratchDatabase(server.url);
  const gateway = await new TestGateway().start();
  const db = new pg.Client({ connectionString: scratch.url });
  // One DATA_DIR for every start (the server keeps little there on PostgreSQL), removed at the end.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'yinong-crash-'));
  try {
    // The first start ingests the knowledge base: outside the kills, so that every kill lands under load.
    const first = await startServer({ databaseUrl: scratch.url, dataDir, env: { SMS_GATEWAY: 'console', LOG_LEVEL: 'fatal' } });
    await first.stop();
    await db.connect();
    const load = Promise.all(Array.from({ length: SENDERS }, (_, i) => sender(i)));
    const { starts } = await killLoop(scratch.url, dataDir, gateway);
    state.sending = false;
    await load;
    await settle(db);
    const f = await check(db, gateway);
    await state.server?.stop();
    const wall = (performance.now() - t0) / 1000;
    const show = (what: string, xs: string[]) => {
      console.log(`${what}: ${xs.length}`);
      for (const x of xs.slice(0, 20)) console.log(`  ${x}`);
    };
    console.log('\nkill -9 under load (PostgreSQL, dist/main.js)');
    console.log(`kills: ${f.kills}`);
    console.log(`inbound texts: ${f.inbound} (SMS webhook ${f.viaSms}, API ${f.viaApi}); resends by the senders: ${f.resends}`);
    show('lost', f.lost);
    show('doubled', f.doubled);
    console.log(`SMS replies sent: ${f.smsSent} (resends the gateway deduped: ${f.gatewayResends})`);
    show('SMS not sent', f.smsUnsent);
    show('SMS doubled', f.smsDoubled);
    show('refused by the server (4xx)', state.refused);
    console.log(`restart: median ${median(starts).toFixed(1)} s to /health`);
    console.log(`wall time: ${wall.toFixed(0)} s`);
    const bad = f.lost.length + f.doubled.length + f.smsUnsent.length + f.smsDoubled.length + state.refused.length;
    console.log(bad ? 'FAIL' : 'OK: 0 lost, 0 doubled');
    return bad ? 1 : 0;
  } finally {
    state.sending = false;
    if (state.server?.child.exitCode === null) state.server.child.kill('SIGKILL');
    await db.end().catch(() => {});
    await gateway.stop();
    await scratch.drop().catch((err: unknown) => console.error('could not drop the scratch database', err));
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('test:crash could not run:', err);
    process.exit(2);
  },
);
