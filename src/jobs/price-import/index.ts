import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../db/pool.ts';
import { describeError, JobFailure, type JobContext, type JobCounts, type JobLog } from '../scheduler.ts';
import { downloadFeed } from './feed.ts';
import { importPriceFile, type FileReport } from './file.ts';
import { seenUnchanged } from './store.ts';

export { importPriceFile, KEPT_REJECTIONS, type FileImportOptions, type FileReport } from './file.ts';
export { recentFiles } from './store.ts';

export interface PriceImportDeps {
  db: Database;
  /** A folder where officers or a sync tool drop CSV / JSON / JSON Lines files. */
  dropDir?: string;
  /** A URL answering CSV, JSON or JSON Lines. */
  feedUrl?: string;
  maxBytes: number;
  feedTimeoutMs: number;
  /** Files modified more recently than this are left for the next run (they may still be being written). */
  settleSeconds: number;
  now?: () => Date;
}

export interface PriceImportReport {
  files: FileReport[];
  /** Dropped files left alone: already handled and unchanged, or still being written. */
  unchanged: number;
  notReady: number;
  /** Sources that failed as a whole (the feed unreachable, a file unreadable, the database gone). */
  failures: string[];
}

// Editors' and copy tools' temporary files, and hidden files, are never price files.
const IGNORED = /^\.|\.(tmp|part|partial|crdownload|swp)$|~$/i;

/**
 * The price import job: every new file in the drop folder, then the feed, each file on its own (one
 * refused or failing file never stops the others). Throws nothing for a bad file (it is recorded as
 * refused); the report's failures say what could not be read at all.
 */
export async function importPrices(
  deps: PriceImportDeps,
  ctx: { signal?: AbortSignal; runId?: string | null; log?: JobLog } = {},
): Promise<PriceImportReport> {
  const report: PriceImportReport = { files: [], unchanged: 0, notReady: 0, failures: [] };
  const log = ctx.log ?? (() => {});
  const now = deps.now?.() ?? new Date();
  const common = { maxBytes: deps.maxBytes, now, jobRunId: ctx.runId ?? null, signal: ctx.signal };
  const note = (r: FileReport) => {
    report.files.push(r);
    if (r.status === 'imported') {
      log('info', { file: r.name, rows: r.rows }, 'price file imported');
    }
    if (r.status === 'rejected' || r.rows.rejected) {
      log('warn', { file: r.name, error: r.error, rejected: r.rows.rejected, first: r.rejections.slice(0, 5) },
        r.status === 'rejected' ? 'price file refused' : 'price rows rejected');
    }
  };

  if (deps.dropDir) {
    let names: string[] = [];
    try {
      await mkdir(deps.dropDir, { recursive: true });
      names = (await readdir(deps.dropDir)).filter((n) => !IGNORED.test(n)).sort();
    } catch (err) {
      report.failures.push(`PRICE_DROP_DIR ${deps.dropDir} 无法读取：${describeError(err)}`);
    }
    for (const name of names) {
      if (ctx.signal?.aborted) break;
      const file = path.join(deps.dropDir, name);
      try {
        const info = await stat(file);
        if (!info.isFile()) continue;
        if (deps.settleSeconds > 0 && now.getTime() - info.mtimeMs < deps.settleSeconds * 1000) {
          report.notReady++;
          continue;
        }
        if (await seenUnchanged(deps.db.pool, 'drop', name, info.size, info.mtime)) {
          report.unchanged++;
          continue;
        }
        note(await importPriceFile(deps.db, file, { ...common, source: 'drop', name, mtime: info.mtime }));
      } catch (err) {
        if (ctx.signal?.aborted) break;
        report.failures.push(`${name}: ${describeError(err)}`);
      }
    }
  }

  if (deps.feedUrl && !ctx.signal?.aborted) {
    try {
      const download = await downloadFeed(deps.feedUrl, { maxBytes: deps.maxBytes, timeoutMs: deps.feedTimeoutMs, signal: ctx.signal });
      try {
        note(await importPriceFile(deps.db, download.path, {
          ...common, source: 'feed', name: deps.feedUrl, format: download.format ?? undefined,
        }));
      } finally {
        await download.dispose();
      }
    } catch (err) {
      if (!ctx.signal?.aborted) report.failures.push(describeError(err));
    }
  }
  return report;
}

export function priceImportCounts(r: PriceImportReport): JobCounts {
  const by = (s: FileReport['status']) => r.files.filter((f) => f.status === s).length;
  const rows = (k: keyof FileReport['rows']) => r.files.reduce((n, f) => n + f.rows[k], 0);
  return {
    filesImported: by('imported'), filesRefused: by('rejected'), filesAlreadyImported: by('already-imported'),
    filesUnchanged: r.unchanged, filesNotReady: r.notReady,
    rowsInserted: rows('inserted'), rowsUpdated: rows('updated'), rowsUnchanged: rows('unchanged'), rowsRejected: rows('rejected'),
    ...(r.failures.length ? { failures: r.failures } : {}),
  };
}

/** The job body for the scheduler: fails (with its counts kept) when a source could not be read at all. */
export function priceImportJob(deps: PriceImportDeps) {
  return async (ctx: JobContext): Promise<JobCounts> => {
    const report = await importPrices(deps, ctx);
    const counts = priceImportCounts(report);
    if (report.failures.length) throw new JobFailure(report.failures.join('；'), counts);
    return counts;
  };
}
