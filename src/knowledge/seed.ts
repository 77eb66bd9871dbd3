import path from 'node:path';
import type { Database } from '../db/pool.ts';
import { fingerprint, ingestPaths, type IngestReport } from './ingest.ts';
import type { Knowledge } from './index.ts';

const SEEDS_KEY = 'seeds_fingerprint';
/** Folders of seeds/ that hold knowledge documents (data/ and lexicon/ are loaded elsewhere). */
export const KNOWLEDGE_FOLDERS = ['knowledge', 'faq'];

/**
 * Ingest the shipped knowledge on first start, and again only when the shipped files change (an upgrade):
 * a fingerprint of the files is kept in kb_settings, and unchanged documents are skipped by content hash.
 */
export async function seedKnowledgeBase(
  db: Database,
  kb: Knowledge,
  seedsDir: string,
): Promise<IngestReport | 'unchanged'> {
  const folders = KNOWLEDGE_FOLDERS.map((f) => path.join(seedsDir, f));
  const print = await fingerprint(folders);
  const { rows } = await db.pool.query<{ value: string }>('SELECT value FROM kb_settings WHERE key = $1', [SEEDS_KEY]);
  if (rows[0]?.value === print) return 'unchanged';
  const report = await ingestPaths(kb.store, folders, { root: seedsDir });
  await db.pool.query(
    `INSERT INTO kb_settings (key, value) VALUES ($1, to_jsonb($2::text))
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [SEEDS_KEY, print],
  );
  return report;
}
