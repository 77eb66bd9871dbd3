import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

// The production start as an operator runs it: `npm start` (build when stale, then node on dist/), healthy on
// a fresh DATA_DIR, and stopped by SIGTERM sent to the npm process itself, with nothing left listening.
const root = path.resolve(import.meta.dirname, '..', '..');
let dataDir = '';
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const children = async (pid: number) =>
  (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '')).split(/\s+/).filter(Boolean).map(Number);
const alive = (pid: number) => readFile(`/proc/${pid}/stat`, 'utf8').then((s) => !/^\d+ \(.*\) Z/.test(s), () => false);

it('npm start serves compiled JavaScript and SIGTERM to npm stops the server', async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'yinong-start-'));
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  npm.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(npm, 'exit');
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 170_000;
  while (!(await fetch(`${base}/health`).then((r) => r.ok, () => false))) {
    if (npm.exitCode !== null || Date.now() > deadline) throw new Error(`npm start never became healthy:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  // The server is node running dist/main.js, a child of npm (its shell exec'd into node).
  const [server] = await children(npm.pid!);
  expect((await readFile(`/proc/${server}/cmdline`, 'utf8')).split('\0')).toContain('dist/main.js');

  npm.kill('SIGTERM');
  const [code] = await exited;
  expect(code).toBe(0);
  for (let i = 0; i < 100 && (await alive(server)); i++) await new Promise((r) => setTimeout(r, 100));
  expect(await alive(server)).toBe(false);
  expect(await fetch(`${base}/health`).then(() => 'open', () => 'closed')).toBe('closed');
}, 240_000);
