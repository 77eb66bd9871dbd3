import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { isFirstEmbeddedStart, isSetUpChild, SET_UP_ONLY_ENV } from '../../src/first-start.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

it('only an embedded data directory PGlite never initialised counts as a first start', async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'yinong-first-start-'));
  dirs.push(dataDir);
  const embedded = loadConfig({ DATA_DIR: dataDir });
  expect(isFirstEmbeddedStart(embedded)).toBe(true);
  await mkdir(path.join(dataDir, 'pglite'), { recursive: true });
  await writeFile(path.join(dataDir, 'pglite', 'PG_VERSION'), '17\n');
  expect(isFirstEmbeddedStart(embedded)).toBe(false);
  expect(isFirstEmbeddedStart(loadConfig({ DATA_DIR: 'memory://' }))).toBe(false);
  expect(isFirstEmbeddedStart(loadConfig({ DATA_DIR: path.join(dataDir, 'never'), DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' }))).toBe(false);
});

it('the set-up child is recognised by its environment only', () => {
  expect(isSetUpChild({})).toBe(false);
  expect(isSetUpChild({ [SET_UP_ONLY_ENV]: '1' })).toBe(true);
});
