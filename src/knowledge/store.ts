import { scrubPii } from '../privacy/pii.ts';
import type { Database, Queryable } from '../db/pool.ts';
import { withTransaction } from '../db/pool.ts';
import type { Embedder } from './embeddings/index.ts';
import type { ChineseTokenizer } from './tokenizer.ts';
import { chunkDocument, contentHash, reviewOf, type DocumentInput, type ReviewRecord } from './documents.ts';
import { toTsvectorLiteral } from './tsv.ts';
import { adjustCorpusStats } from './corpus-stats.ts';

export interface UpsertResult {
  id: string;
  chunks: number;
  status: 'created' | 'updated' | 'unchanged';
}

export interface KnowledgeStoreDeps {
  db: Database;
  embedder: Embedder;
  tokenizer: ChineseTokenizer;
}

/** The text a chunk is indexed and embedded by: its document title and heading path give it context. */
export function chunkIndexText(title: string, headingPath: string[], content: string): string {
  return [title, ...headingPath, content].join('\n');
}

/**
 * Documents and chunks in PostgreSQL. An unchanged document (same content hash) is left alone; a changed
 * one has its chunks replaced in one transaction, so a reader never sees half a document.
 */
export class KnowledgeStore {
  /** Called after any change, so caches in this process (the retriever's term counts) stay true. */
  onChange: () => void = () => {};

  constructor(private readonly deps: KnowledgeStoreDeps) {}

  async upsert(input: DocumentInput): Promise<UpsertResult> {
    const { db } = this.deps;
    // Whatever enters the knowledge base is shown to everyone who asks: no farmer's phone, ID or bank card.
    const doc: DocumentInput = {
      ...input,
      sourceKey: scrubPii(input.sourceKey),
      title: scrubPii(input.title),
      content: scrubPii(input.content),
      source: input.source == null ? input.source : scrubPii(input.source),
      ...(input.review ? { review: scrubReviewers(input.review) } : {}),
    };
    const hash = contentHash(doc);
    const review = reviewOf(doc);
    const existing = await findBySourceKey(db.pool, doc.sourceKey);
    if (existing?.content_hash === hash) return { id: existing.id, chunks: existing.chunks, status: 'unchanged' };

    // Embeddings may come from a remote service: compute them before opening the transaction.
    const drafts = chunkDocument(doc);
    const texts = drafts.map((c) => chunkIndexText(doc.title, c.headingPath, c.content));
    const vectors = await this.deps.embedder.embeddings.embedDocuments(texts);
    const tokens = texts.map((t) => this.deps.tokenizer.tokens(t));

    return withTransaction(db.pool, async (client) => {
      const { rows } = await client.query<{ id: string; inserted: boolean }>(
        `INSERT INTO kb_documents
           (source_key, title, category, county, source, doc_date, tags, format, content, content_hash, reviewed,
            written_by, reviewed_by, reviewed_at, review_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (source_key) DO UPDATE SET
           title = EXCLUDED.title, category = EXCLUDED.category, county = EXCLUDED.county,
           source = EXCLUDED.source, doc_date = EXCLUDED.doc_date, tags = EXCLUDED.tags,
           format = EXCLUDED.format, content = EXCLUDED.content, content_hash = EXCLUDED.content_hash,
           reviewed = EXCLUDED.reviewed, written_by = EXCLUDED.written_by, reviewed_by = EXCLUDED.reviewed_by,
           reviewed_at = EXCLUDED.reviewed_at, review_by = EXCLUDED.review_by, updated_at = now()
         RETURNING id, (xmax = 0) AS inserted`,
        [
          doc.sourceKey, doc.title, doc.category, doc.county ?? null, doc.source ?? null, doc.date ?? null,
          doc.tags ?? [], doc.format, doc.content, hash, doc.reviewed ?? false,
          review.writtenBy, review.reviewedBy, review.reviewedAt, review.reviewBy,
        ],
      );
      const id = rows[0].id;
      await adjustTermCounts(client, id, -1);
      await adjustCorpusStats(client, id, -1);
      await client.query('DELETE FROM kb_chunks WHERE document_id = $1', [id]);
      if (drafts.length) {
        await client.query(
          `INSERT INTO kb_chunks
             (document_id, ordinal, heading_path, content, token_count, tsv, category, county, reviewed, embedding)
           SELECT $1, c.ordinal, string_to_array(c.heading_path, E'\\x1f'), c.content, c.token_count,
                  c.tsv::tsvector, $2, $3, $4, c.embedding::public.vector
             FROM unnest($5::int[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[])
                  AS c(ordinal, heading_path, content, token_count, tsv, embedding)`,
          [
            id, doc.category, doc.county ?? null, doc.reviewed ?? false,
            drafts.map((c) => c.ordinal),
            drafts.map((c) => c.headingPath.join('\x1f')),
            drafts.map((c) => c.content),
            tokens.map((t) => t.length),
            tokens.map((t) => toTsvectorLiteral(t)),
            vectors.map((v) => JSON.stringify(v)),
          ],
        );
        await adjustTermCounts(client, id, +1);
        await adjustCorpusStats(client, id, +1);
      }
      return { id, chunks: drafts.length, status: rows[0].inserted ? ('created' as const) : ('updated' as const) };
    }).finally(() => this.onChange());
  }

  /** Remove one document and its chunks; false when no such document exists. */
  async delete(id: string): Promise<boolean> {
    return withTransaction(this.deps.db.pool, async (client) => {
      await adjustTermCounts(client, id, -1);
      await adjustCorpusStats(client, id, -1);
      const { rowCount } = await client.query('DELETE FROM kb_documents WHERE id = $1', [id]);
      return (rowCount ?? 0) > 0;
    }).finally(() => this.onChange());
  }

  /** Delete documents under a source prefix that are no longer in `keep` (a Q&A file lost some pairs). */
  async pruneSource(prefix: string, keep: string[]): Promise<number> {
    const { rows } = await this.deps.db.pool.query<{ id: string }>(
      `SELECT id FROM kb_documents WHERE starts_with(source_key, $1) AND NOT (source_key = ANY($2::text[]))`,
      [prefix, keep],
    );
    for (const { id } of rows) await this.delete(id);
    return rows.length;
  }

  /** A document's chunks in order (heading path and text), for answers that need the next section too. */
  async chunksOf(documentId: string): Promise<{ chunkId: string; ordinal: number; headingPath: string[]; content: string }[]> {
    const { rows } = await this.deps.db.pool.query(
      'SELECT id, ordinal, heading_path, content FROM kb_chunks WHERE document_id = $1 ORDER BY ordinal',
      [documentId],
    );
    return rows.map((r) => ({ chunkId: String(r.id), ordinal: r.ordinal, headingPath: r.heading_path, content: r.content }));
  }

  async stats(): Promise<KbStats> {
    const { rows } = await this.deps.db.pool.query<KbStats['byCategory'][number]>(
      `SELECT d.category, count(DISTINCT d.id)::int AS documents, count(c.id)::int AS chunks
         FROM kb_documents d LEFT JOIN kb_chunks c ON c.document_id = d.id
        GROUP BY d.category ORDER BY d.category`,
    );
    return {
      documents: rows.reduce((n, r) => n + r.documents, 0),
      chunks: rows.reduce((n, r) => n + r.chunks, 0),
      byCategory: rows,
      embedder: this.deps.embedder.id,
    };
  }
}

function scrubReviewers(r: ReviewRecord): ReviewRecord {
  return {
    ...r,
    writtenBy: r.writtenBy == null ? r.writtenBy : scrubPii(r.writtenBy),
    reviewedBy: r.reviewedBy == null ? r.reviewedBy : scrubPii(r.reviewedBy),
  };
}

export interface KbStats {
  documents: number;
  chunks: number;
  byCategory: { category: string; documents: number; chunks: number }[];
  embedder: string;
}

/**
 * Add (+1) or remove (-1) a document's chunks from the term counts. One ordered INSERT … ON CONFLICT for
 * both directions, so concurrent ingestions lock terms in the same order and cannot deadlock.
 */
async function adjustTermCounts(q: Queryable, documentId: string, sign: 1 | -1): Promise<void> {
  await q.query(
    `INSERT INTO kb_terms (term, df)
     SELECT term, $2::int * n FROM (
       SELECT u.lexeme AS term, count(*)::int AS n
         FROM kb_chunks c, unnest(c.tsv) AS u(lexeme, positions, weights)
        WHERE c.document_id = $1 GROUP BY u.lexeme
       UNION ALL
       SELECT '', count(*)::int FROM kb_chunks WHERE document_id = $1
     ) t WHERE n > 0 ORDER BY term
     ON CONFLICT (term) DO UPDATE SET df = kb_terms.df + EXCLUDED.df`,
    [documentId, sign],
  );
}

async function findBySourceKey(
  q: Queryable,
  sourceKey: string,
): Promise<{ id: string; content_hash: string; chunks: number } | undefined> {
  const { rows } = await q.query(
    `SELECT d.id, d.content_hash, (SELECT count(*)::int FROM kb_chunks c WHERE c.document_id = d.id) AS chunks
       FROM kb_documents d WHERE d.source_key = $1`,
    [sourceKey],
  );
  return rows[0];
}
