import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Category } from './categories.ts';
import { DocumentError, parseCsvTable, parseMarkdownDocument, parseQaFile, type DocumentInput } from './documents.ts';
import type { KnowledgeStore, UpsertResult } from './store.ts';

const SUPPORTED = /\.(md|markdown|json|jsonl|csv)$/i;

export interface IngestReport {
  files: number;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  chunks: number;
  errors: { file: string; message: string }[];
}

/** Every supported file under the given paths (folders walked), sorted for a stable order. */
export async function listFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch((err) => {
      throw new Error(`找不到文件或目录：${p}`, { cause: err });
    });
    if (info.isDirectory()) {
      const entries = await readdir(p, { recursive: true });
      for (const e of entries.sort()) if (SUPPORTED.test(e)) out.push(path.join(p, e));
    } else if (SUPPORTED.test(p)) out.push(p);
    else throw new Error(`不支持的文件类型：${p}（支持 .md .json .jsonl .csv）`);
  }
  return out;
}

/** Parse one file into documents. `sourceKey` is its path relative to `root`, so it is stable across machines. */
export async function readDocuments(file: string, root: string, category?: Category): Promise<DocumentInput[]> {
  const text = await readFile(file, 'utf8');
  const sourceKey = path.relative(root, file).split(path.sep).join('/');
  if (/\.(md|markdown)$/i.test(file)) return [parseMarkdownDocument(text, { sourceKey, category })];
  if (/\.(json|jsonl)$/i.test(file)) return parseQaFile(text, { sourceKey, category });
  const title = path.basename(file).replace(/\.csv$/i, '');
  return [parseCsvTable(text, { sourceKey, title, category: category ?? 'faq' })];
}

/**
 * Ingest files into the store. A file that fails to parse is reported and skipped, the rest still go in;
 * Q&A pairs removed from a file are removed from the knowledge base.
 */
export async function ingestPaths(
  store: KnowledgeStore,
  paths: string[],
  opts: { root?: string; category?: Category } = {},
): Promise<IngestReport> {
  const root = opts.root ?? process.cwd();
  const report: IngestReport = { files: 0, created: 0, updated: 0, unchanged: 0, removed: 0, chunks: 0, errors: [] };
  for (const file of await listFiles(paths)) {
    report.files++;
    try {
      const docs = await readDocuments(file, root, opts.category);
      for (const doc of docs) count(report, await store.upsert(doc));
      if (/\.(json|jsonl)$/i.test(file)) {
        const prefix = `${path.relative(root, file).split(path.sep).join('/')}#`;
        report.removed += await store.pruneSource(prefix, docs.map((d) => d.sourceKey));
      }
    } catch (err) {
      if (!(err instanceof DocumentError)) throw err;
      report.errors.push({ file, message: err.message });
    }
  }
  return report;
}

function count(report: IngestReport, r: UpsertResult): void {
  report[r.status]++;
  report.chunks += r.chunks;
}

/** A fingerprint of a folder's supported files (names and contents), to tell whether seeds changed. */
export async function fingerprint(paths: string[]): Promise<string> {
  const h = createHash('sha256');
  for (const file of await listFiles(paths)) {
    h.update(file);
    h.update(await readFile(file));
  }
  return h.digest('hex');
}
