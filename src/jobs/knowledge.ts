import type { Config } from '../config.ts';
import type { Database, Queryable } from '../db/pool.ts';
import { reembedAll, storedEmbedder } from '../knowledge/embedding-column.ts';
import { createEmbedder, type Embedder } from '../knowledge/embeddings/index.ts';
import { loadTokenizer } from '../knowledge/index.ts';
import { dedicatedClient } from './lock.ts';
import type { JobCounts } from './scheduler.ts';

// Advisory lock for re-embedding (jobs use 72_114_010, file imports 72_114_011): instances starting together
// with a new embedder re-embed once; the others wait and find the vectors current.
const REEMBED_LOCK = 72_114_012;

// Tables whose planner statistics matter to the answers' queries. ANALYZE on a name goes through the
// search_path, so each schema (and each test schema) refreshes its own.
const ANALYZED = [
  'kb_documents', 'kb_chunks', 'kb_terms', 'prices', 'labor_posts', 'supply_posts', 'service_points',
  'conversations', 'messages', 'escalations', 'tickets', 'sms_outbox',
];

export interface KnowledgeMaintenanceDeps {
  db: Database;
  embedder: Embedder;
  /** Re-embed when the stored vectors came from another embedder (JOBS_REEMBED_AUTO); otherwise only report it. */
  reembedAuto: boolean;
  /** Caches that hold term counts or vectors (the retriever's): forgotten after a re-embed. */
  onReembedded?: () => void;
}

export interface KnowledgeMaintenanceReport {
  embedder: 'current' | 'reembedded' | 'mismatch' | 'empty';
  reembeddedChunks: number;
  analyzed: string[];
}

/**
 * Knowledge maintenance: re-embed when the embedder changed (only if configured to), and refresh the
 * planner's statistics of the tables retrieval and the agent read, so plans stay right as data grows.
 */
export async function maintainKnowledge(deps: KnowledgeMaintenanceDeps): Promise<KnowledgeMaintenanceReport> {
  const { db, embedder } = deps;
  const report: KnowledgeMaintenanceReport = { embedder: 'current', reembeddedChunks: 0, analyzed: [] };
  const stored = await storedEmbedder(db);
  if (!stored) report.embedder = 'empty';
  else if (stored.id !== embedder.id || stored.dimensions !== embedder.dimensions) {
    if (deps.reembedAuto) {
      report.reembeddedChunks = await reembedLocked(db, embedder);
      report.embedder = 'reembedded';
      deps.onReembedded?.();
    } else {
      report.embedder = 'mismatch';
    }
  }
  report.analyzed = await analyzeTables(db.pool);
  return report;
}

export function knowledgeCounts(r: KnowledgeMaintenanceReport): JobCounts {
  return { embedder: r.embedder, reembeddedChunks: r.reembeddedChunks, analyzedTables: r.analyzed.length };
}

/** ANALYZE each of our tables that exists here; returns the ones analysed. */
export async function analyzeTables(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ name: string }>(
    `SELECT t.name FROM unnest($1::text[]) AS t(name) WHERE to_regclass(t.name) IS NOT NULL`,
    [ANALYZED],
  );
  for (const { name } of rows) {
    // name is one of the constants above, checked to exist: DDL-like commands take no bind parameters.
    await q.query(`ANALYZE ${name}`);
  }
  return rows.map((r) => r.name);
}

async function reembedLocked(db: Database, embedder: Embedder): Promise<number> {
  if (db.engine === 'pglite') return reembedAll(db, embedder);
  // Held on a connection of its own: the re-embedding transaction needs one from the pool.
  const client = await dedicatedClient(db, 'yinong-reembed');
  try {
    await client.query('SELECT pg_advisory_lock($1)', [REEMBED_LOCK]);
    const stored = await storedEmbedder(db);
    if (stored?.id === embedder.id && stored.dimensions === embedder.dimensions) return 0; // another instance did it
    return await reembedAll(db, embedder);
  } finally {
    await client.end().catch(() => {}); // ending the session frees the lock
  }
}

/**
 * Before the knowledge base opens (main.ts): with JOBS_REEMBED_AUTO, vectors from another embedder are
 * recomputed instead of start-up stopping with EmbedderMismatchError. Returns the chunks re-embedded.
 */
export async function reembedBeforeStart(config: Config, db: Database): Promise<number> {
  if (!config.JOBS_REEMBED_AUTO) return 0;
  const embedder = createEmbedder(config, await loadTokenizer(config.SEEDS_DIR));
  const stored = await storedEmbedder(db);
  if (!stored || (stored.id === embedder.id && stored.dimensions === embedder.dimensions)) return 0;
  return reembedLocked(db, embedder);
}
