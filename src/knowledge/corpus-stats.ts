import type { Queryable } from '../db/pool.ts';

/** Corpus totals BM25 normalises lengths by (table kb_corpus_stats). */
export interface CorpusStats {
  chunks: number;
  /** average chunk length in index tokens */
  averageTokens: number;
  /** average chunk length in characters (headings and content: a document's title changes before its old
   * chunks are subtracted, so it is left out) */
  averageChars: number;
}

/**
 * Add (+1) or remove (-1) a document's chunks from the corpus totals, in the caller's transaction, after
 * kb_terms (always in that order, so concurrent ingestions take the rows' locks in one order).
 */
export async function adjustCorpusStats(q: Queryable, documentId: string, sign: 1 | -1): Promise<void> {
  await q.query(
    `INSERT INTO kb_corpus_stats (key, value)
     SELECT t.key, $2::int * t.n FROM (
       SELECT count(*)::bigint AS chunks, coalesce(sum(c.token_count), 0)::bigint AS tokens,
              coalesce(sum(char_length(array_to_string(c.heading_path, '')) + char_length(c.content)), 0)::bigint AS chars
         FROM kb_chunks c WHERE c.document_id = $1
     ) s, LATERAL (VALUES ('chars', s.chars), ('chunks', s.chunks), ('tokens', s.tokens)) AS t(key, n)
     WHERE s.chunks > 0
     ORDER BY t.key
     ON CONFLICT (key) DO UPDATE SET value = kb_corpus_stats.value + EXCLUDED.value`,
    [documentId, sign],
  );
}

export async function readCorpusStats(q: Queryable): Promise<CorpusStats> {
  const { rows } = await q.query<{ key: string; value: string }>('SELECT key, value FROM kb_corpus_stats');
  const v = new Map(rows.map((r) => [r.key, Number(r.value)]));
  const chunks = v.get('chunks') ?? 0;
  return {
    chunks,
    averageTokens: chunks > 0 ? (v.get('tokens') ?? 0) / chunks : 0,
    averageChars: chunks > 0 ? (v.get('chars') ?? 0) / chunks : 0,
  };
}
