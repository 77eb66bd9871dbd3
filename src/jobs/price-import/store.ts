import type { Queryable } from '../../db/pool.ts';
import type { RejectedRow } from '../../data/index.ts';

export type FileSource = 'drop' | 'feed';

export interface ImportedFileRecord {
  source: FileSource;
  name: string;
  sha256: Buffer;
  sizeBytes: number;
  mtime: Date | null;
  status: 'imported' | 'rejected';
  rowsTotal: number;
  rowsImported: number;
  rowsUnchanged: number;
  rowsRejected: number;
  rejections: RejectedRow[];
  error: string | null;
  jobRunId: string | null;
}

/** A dropped file already handled with this name, size and modification time: skip it without reading it. */
export async function seenUnchanged(q: Queryable, source: FileSource, name: string, size: number, mtime: Date): Promise<boolean> {
  const { rows } = await q.query(
    `SELECT 1 FROM imported_files WHERE kind = 'prices' AND source = $1 AND name = $2 AND size_bytes = $3 AND mtime = $4 LIMIT 1`,
    [source, name, size, mtime],
  );
  return rows.length > 0;
}

/** When these bytes were handled before (under any name): its status and when. */
export async function findByContent(q: Queryable, sha256: Buffer): Promise<{ status: string; name: string; importedAt: string } | null> {
  const { rows } = await q.query(
    `SELECT status, name, imported_at FROM imported_files WHERE kind = 'prices' AND sha256 = $1`,
    [sha256],
  );
  return rows[0] ? { status: rows[0].status, name: rows[0].name, importedAt: new Date(rows[0].imported_at).toISOString() } : null;
}

/** Record a handled file; false when the same content was recorded meanwhile (the caller rolls back). */
export async function recordFile(q: Queryable, f: ImportedFileRecord): Promise<boolean> {
  const { rows } = await q.query(
    `INSERT INTO imported_files (kind, source, name, sha256, size_bytes, mtime, status, rows_total, rows_imported,
                                 rows_unchanged, rows_rejected, rejections, error, job_run_id)
     VALUES ('prices', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (kind, sha256) DO NOTHING
     RETURNING id`,
    [
      f.source, f.name, f.sha256, f.sizeBytes, f.mtime, f.status, f.rowsTotal, f.rowsImported, f.rowsUnchanged,
      f.rowsRejected, JSON.stringify(f.rejections), f.error, f.jobRunId,
    ],
  );
  return rows.length > 0;
}

/** The newest handled files, newest first: what an operator looks at after dropping files. */
export async function recentFiles(q: Queryable, limit = 20): Promise<Array<Omit<ImportedFileRecord, 'sha256'> & { importedAt: string }>> {
  const { rows } = await q.query(
    `SELECT source, name, size_bytes, mtime, status, rows_total, rows_imported, rows_unchanged, rows_rejected,
            rejections, error, job_run_id, imported_at
       FROM imported_files WHERE kind = 'prices' ORDER BY imported_at DESC, id DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    source: r.source, name: r.name, sizeBytes: Number(r.size_bytes), mtime: r.mtime, status: r.status,
    rowsTotal: r.rows_total, rowsImported: r.rows_imported, rowsUnchanged: r.rows_unchanged, rowsRejected: r.rows_rejected,
    rejections: r.rejections, error: r.error, jobRunId: r.job_run_id === null ? null : String(r.job_run_id),
    importedAt: new Date(r.imported_at).toISOString(),
  }));
}
