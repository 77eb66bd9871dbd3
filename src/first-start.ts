/**
 * The embedded database's first start runs its set-up in a child process. initdb, the migrations and the first
 * ingestion of the shipped knowledge grow PGlite's WebAssembly heap and the C heap by about 120 MB, and neither
 * gives memory back; the server that then opens the prepared files starts at an everyday size (issue 11).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';

/** Set in the child's environment: run the set-up, close the database, exit. */
export const SET_UP_ONLY_ENV = 'YINONG_SET_UP_ONLY';

export function isSetUpChild(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[SET_UP_ONLY_ENV] === '1';
}

/** True for the embedded default on a data directory PGlite has never initialised. */
export function isFirstEmbeddedStart(config: Config): boolean {
  if (config.DATABASE_URL || config.DATA_DIR.startsWith('memory://')) return false;
  return !existsSync(path.resolve(config.DATA_DIR, 'pglite', 'PG_VERSION'));
}

/**
 * Runs this same program (same node flags, so tsx and source maps carry over) with SET_UP_ONLY_ENV, sharing the
 * terminal: the first administrator's password banner prints as it does in-process. A stop signal reaches it.
 */
export function runSetUpInChild(): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [SET_UP_ONLY_ENV]: '1' },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise<void>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`首次启动的数据库准备进程无法启动 (first-start set-up could not run): ${err.message}`, { cause: err })));
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      if (code === 0) resolve();
      else reject(new Error(`首次启动的数据库准备没有完成 (first-start set-up ended with ${signal ?? `exit code ${code}`}); 看上面的日志，修好后重新启动即可`));
    });
  });
}
