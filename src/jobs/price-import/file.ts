import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { withTransaction, type Database } from '../../db/pool.ts';
import { chinaToday, upsertPrices, validatePriceRow, type PriceRow, type RejectedRow } from '../../data/index.ts';
import { FileRefused, formatOf, readRecords, type PriceFormat } from './read.ts';
import { scanFile } from './scan.ts';
import { findByContent, recordFile, type FileSource, type ImportedFileRecord } from './store.ts';

// Advisory lock namespace for one file's content (jobs use 72_114_010): two importers of the same bytes
// (a job and a person running it by hand) take turns, and the second finds it done.
const FILE_LOCK = 72_114_011;
/** Rejected rows kept with the file; the count is always complete. */
export const KEPT_REJECTIONS = 200;

export interface FileImportOptions {
  source: FileSource;
  /** The name reasons and imported_files use: the file's name in the drop folder, or the feed URL. */
  name: string;
  /** Default: from the name's extension. */
  format?: PriceFormat;
  /** Larger files are refused without being read. */
  maxBytes: number;
  /** "Today" for refusing prices dated in the future (default now). */
  now?: Date;
  /** A dropped file's modification time (recognises it later without reading it). */
  mtime?: Date | null;
  jobRunId?: string | null;
  signal?: AbortSignal;
  batchSize?: number;
}

export interface FileReport {
  name: string;
  status: 'imported' | 'rejected' | 'already-imported';
  rows: { total: number; inserted: number; updated: number; unchanged: number; duplicates: number; rejected: number };
  /** The first rejected rows (file:line and reason). */
  rejections: RejectedRow[];
  /** Why the whole file was refused. */
  error?: string;
}

const noRows = () => ({ total: 0, inserted: 0, updated: 0, unchanged: 0, duplicates: 0, rejected: 0 });

/**
 * Import one price file: valid rows upserted, invalid rows listed with file:line and reason, in one
 * transaction with the file's record, so a file is either wholly handled or not at all (a crash, a stop or
 * a database error leaves nothing behind and the file is read again next time). The same bytes are
 * imported once. A file that can't be read as price rows (too large, not UTF-8, wrong columns, broken
 * syntax) is refused whole with the reason and recorded, so it isn't retried until it changes.
 */
export async function importPriceFile(db: Database, path: string, opts: FileImportOptions): Promise<FileReport> {
  const { name } = opts;
  const base = { source: opts.source, name, mtime: opts.mtime ?? null, jobRunId: opts.jobRunId ?? null };
  const size = (await stat(path)).size;
  if (size > opts.maxBytes) {
    // Not read at all: keyed by where it is, its size and time instead of its content.
    const key = createHash('sha256').update(`oversize\0${opts.source}\0${name}\0${size}\0${opts.mtime?.getTime() ?? ''}`).digest();
    const error = `文件有 ${mb(size)} MB，超过上限 ${mb(opts.maxBytes)} MB（PRICE_IMPORT_MAX_MB）：请拆成几个文件`;
    return refused(db, { ...base, sha256: key, sizeBytes: size }, error);
  }

  const scan = await scanFile(path, opts.signal);
  const known = await findByContent(db.pool, scan.sha256);
  if (known) return { name, status: 'already-imported', rows: noRows(), rejections: [] };
  const file = { ...base, sha256: scan.sha256, sizeBytes: scan.bytes };
  if (scan.refusal) return refused(db, file, scan.refusal);
  const format = opts.format ?? formatOf(name);
  if (!format) return refused(db, file, `不支持的文件类型：请用 .csv（UTF-8）、.json 或 .jsonl`);

  const today = chinaToday(opts.now ?? new Date());
  const batchSize = opts.batchSize ?? 5000;
  try {
    return await withTransaction(db.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [FILE_LOCK, scan.sha256.toString('hex')]);
      if (await findByContent(client, scan.sha256)) return { name, status: 'already-imported' as const, rows: noRows(), rejections: [] };
      const rows = noRows();
      const rejections: RejectedRow[] = [];
      const reject = (line: number, reason: string) => {
        rows.rejected++;
        if (rejections.length < KEPT_REJECTIONS) rejections.push({ where: `${name}:${line}`, reason });
      };
      let batch: PriceRow[] = [];
      const flush = async () => {
        if (!batch.length) return;
        const counts = await upsertPrices(client, batch, { batchSize });
        rows.inserted += counts.inserted;
        rows.updated += counts.updated;
        rows.unchanged += counts.unchanged;
        rows.duplicates += counts.duplicates;
        batch = [];
      };
      for await (const records of readRecords(path, format, scan.bytes)) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        for (const record of records) {
          rows.total++;
          if ('problem' in record) {
            reject(record.line, record.problem);
            continue;
          }
          const checked = validatePriceRow(record.values, record.line, { today });
          if (!checked.ok) reject(checked.line, checked.reason);
          else if (batch.push(checked.row) >= batchSize) await flush();
        }
      }
      await flush();
      const stored = rows.total - rows.rejected;
      const status = stored === 0 && rows.rejected > 0 ? 'rejected' : 'imported';
      const error = status === 'rejected' ? `没有一行有效（${rows.rejected} 行被拒，原因见 rejections）` : null;
      const recorded = await recordFile(client, {
        ...file, status, rowsTotal: rows.total, rowsImported: rows.inserted + rows.updated, rowsUnchanged: rows.unchanged,
        rowsRejected: rows.rejected, rejections, error,
      });
      // Recorded meanwhile by someone who didn't take the lock: undo ours rather than count it twice.
      if (!recorded) throw new AlreadyImported();
      return { name, status, rows, rejections, ...(error ? { error } : {}) };
    });
  } catch (err) {
    if (err instanceof AlreadyImported) return { name, status: 'already-imported', rows: noRows(), rejections: [] };
    if (err instanceof FileRefused) return refused(db, file, err.message);
    throw err;
  }
}

class AlreadyImported extends Error {}

async function refused(
  db: Database,
  file: Pick<ImportedFileRecord, 'source' | 'name' | 'sha256' | 'sizeBytes' | 'mtime' | 'jobRunId'>,
  error: string,
): Promise<FileReport> {
  await recordFile(db.pool, {
    ...file, status: 'rejected', rowsTotal: 0, rowsImported: 0, rowsUnchanged: 0, rowsRejected: 0, rejections: [], error,
  });
  return { name: file.name, status: 'rejected', rows: noRows(), rejections: [], error };
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 3 : 1);
}
