import type { Database } from '../db/pool.ts';
import { withTransaction } from '../db/pool.ts';
import type { Embedder } from './embeddings/index.ts';

const SETTING_KEY = 'embedder';

export class EmbedderMismatchError extends Error {}

interface StoredEmbedder {
  id: string;
  dimensions: number;
}

/**
 * Make the embedding column match the configured embedder. On a fresh database it types the column and
 * builds the HNSW index; when the stored vectors came from another embedder it refuses, naming the command
 * that re-embeds, so two kinds of vectors are never mixed.
 */
export async function ensureEmbeddingColumn(db: Database, embedder: Embedder): Promise<'ready' | 'created'> {
  const stored = await storedEmbedder(db);
  if (stored?.id === embedder.id && stored.dimensions === embedder.dimensions) return 'ready';
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM kb_chunks');
  if (stored && rows[0].n > 0) {
    throw new EmbedderMismatchError(
      `知识库里的向量来自 "${stored.id}"（${stored.dimensions} 维），与当前配置的 "${embedder.id}"（${embedder.dimensions} 维）不一致。` +
        '请运行 `npm run kb -- reembed` 用当前配置重新计算向量，或改回原来的 EMBEDDINGS_* 设置。',
    );
  }
  await withTransaction(db.pool, async (client) => {
    await retypeColumn(client, embedder.dimensions);
    await createVectorIndex(client);
    await saveEmbedder(client, embedder);
  });
  return 'created';
}

export async function storedEmbedder(db: Database): Promise<StoredEmbedder | null> {
  const { rows } = await db.pool.query<{ value: StoredEmbedder }>('SELECT value FROM kb_settings WHERE key = $1', [
    SETTING_KEY,
  ]);
  return rows[0]?.value ?? null;
}

type Client = { query: Database['pool']['query'] };

export async function retypeColumn(client: Client, dimensions: number): Promise<void> {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 4096) {
    throw new Error(`embedding dimensions must be 1..4096, got ${dimensions}`);
  }
  // DDL cannot take bind parameters; dimensions is a checked integer.
  await client.query('DROP INDEX IF EXISTS kb_chunks_embedding_idx');
  await client.query('UPDATE kb_chunks SET embedding = NULL');
  await client.query(`ALTER TABLE kb_chunks ALTER COLUMN embedding TYPE public.vector(${dimensions})`);
}

/** Built after bulk writes: one HNSW build is far cheaper than inserting row by row into the graph. */
export async function createVectorIndex(client: Client): Promise<void> {
  await client.query(
    'CREATE INDEX kb_chunks_embedding_idx ON kb_chunks USING hnsw (embedding public.vector_cosine_ops)',
  );
}

export async function saveEmbedder(client: Client, embedder: Embedder): Promise<void> {
  await client.query(
    `INSERT INTO kb_settings (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [SETTING_KEY, JSON.stringify({ id: embedder.id, dimensions: embedder.dimensions })],
  );
}

/**
 * Re-embed every chunk with the configured embedder, in one transaction: the old vectors stay until the
 * new ones are all written, so a failure leaves the knowledge base as it was.
 */
export async function reembedAll(
  db: Database,
  embedder: Embedder,
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  const { rows } = await db.pool.query<{ id: string; text: string }>(
    `SELECT c.id, d.title || E'\\n' || array_to_string(c.heading_path, ' ') || E'\\n' || c.content AS text
       FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id ORDER BY c.id`,
  );
  const vectors: number[][] = [];
  for (let i = 0; i < rows.length; i += 256) {
    vectors.push(...(await embedder.embeddings.embedDocuments(rows.slice(i, i + 256).map((r) => r.text))));
    onProgress?.(vectors.length, rows.length);
  }
  await withTransaction(db.pool, async (client) => {
    await retypeColumn(client, embedder.dimensions);
    for (let i = 0; i < rows.length; i += 1000) {
      const slice = rows.slice(i, i + 1000);
      await client.query(
        `UPDATE kb_chunks c SET embedding = v.embedding::public.vector
           FROM unnest($1::bigint[], $2::text[]) AS v(id, embedding) WHERE c.id = v.id`,
        [slice.map((r) => r.id), slice.map((_, j) => JSON.stringify(vectors[i + j]))],
      );
    }
    await createVectorIndex(client);
    await saveEmbedder(client, embedder);
  });
  return rows.length;
}
