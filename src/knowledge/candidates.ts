import type { Queryable } from '../db/pool.ts';
import type { Category } from './categories.ts';
import { normalizeForSearch, type ChineseTokenizer } from './tokenizer.ts';
import { toOrTsquery } from './tsv.ts';
import { PAST_REVIEW_SQL } from './review.ts';

/**
 * Keyword candidates come from the question's most selective words, as many as keep the rows to rank under
 * this budget: ranking is per matching row, and a common word ("防治") would match half an agronomy corpus.
 */
const KEYWORD_ROW_BUDGET = 300;
const KEYWORD_MAX_TERMS = 8;
const KEYWORD_RANK_ROWS = 600;

/** A candidate as the candidate query returns it: the question-dependent part only. */
export interface CandidateRow {
  id: string;
  cosine: number;
}

export const CANDIDATES_SQL = `
WITH by_vector AS (
  SELECT id FROM kb_chunks
   WHERE ($3::text[] IS NULL OR category = ANY($3::text[])) AND ($4::text IS NULL OR county IS NULL OR county = $4)
   ORDER BY embedding <=> $1::public.vector
   LIMIT $5
), matches AS (
  -- ranking reads every matching tsvector: rank at most KEYWORD_RANK_ROWS of them, however common the word
  SELECT id, tsv FROM kb_chunks
   WHERE $2 <> '' AND tsv @@ $2::tsquery
     AND ($3::text[] IS NULL OR category = ANY($3::text[])) AND ($4::text IS NULL OR county IS NULL OR county = $4)
   LIMIT ${KEYWORD_RANK_ROWS}
), by_keyword AS (
  SELECT id FROM matches ORDER BY ts_rank_cd(tsv, $2::tsquery, 1) DESC LIMIT $5
), ids AS (SELECT id FROM by_vector UNION SELECT id FROM by_keyword)
SELECT c.id, 1 - (c.embedding <=> $1::public.vector) AS cosine
  FROM ids JOIN kb_chunks c ON c.id = ids.id`;

/** A chunk's own columns, its document's, and every index term's count (the same whatever is asked). */
export interface ChunkRow {
  id: string;
  document_id: string;
  heading_path: string[];
  content: string;
  /** term frequencies of every lexeme of the chunk's tsvector */
  tf: Record<string, number>;
  token_count: number;
  reviewed: boolean;
  past_review: boolean;
  title: string;
  category: Category;
  county: string | null;
  source: string | null;
  format: string;
}

export const CHUNKS_SQL = `
SELECT c.id, c.document_id, c.heading_path, c.content, c.token_count, c.reviewed,
       (SELECT coalesce(jsonb_object_agg(u.lexeme, coalesce(array_length(u.positions, 1), 1)), '{}')
          FROM unnest(c.tsv) AS u(lexeme, positions, weights)) AS tf,
       d.title, d.category, d.county, d.source, d.format, ${PAST_REVIEW_SQL} AS past_review
  FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
 WHERE c.id = ANY($1::bigint[])`;

/** A chunk with what ranking derives from it alone, computed once per knowledge-base version. */
export interface ChunkData {
  row: ChunkRow;
  /** index term counts */
  tf: Map<string, number>;
  /** normalised title, headings and content */
  text: string;
  /** normalised title and headings */
  headings: string;
  /** normalised content */
  content: string;
  headingTermFrequencies: Map<string, number>;
  sectionTokens: Set<string>;
  questionTokens?: string[];
}

/** Chunks by id, for one knowledge-base version (the retriever drops the map when the version moves). */
export type ChunkCache = Map<string, ChunkData>;
const CHUNK_CACHE_MAX = 20_000;

/**
 * The chunks of `ids`, from `cache` or (those it lacks) from the database, added to `cache`. The candidate
 * query then carries only ids and cosines, and each chunk is tokenised once per version, not once per question.
 */
export async function chunksOf(q: Queryable, tokenizer: ChineseTokenizer, ids: string[], cache: ChunkCache): Promise<Map<string, ChunkData>> {
  const missing = ids.filter((id) => !cache.has(id));
  const out = new Map<string, ChunkData>();
  if (missing.length) {
    const { rows } = await q.query<ChunkRow>(CHUNKS_SQL, [missing]);
    if (cache.size + rows.length > CHUNK_CACHE_MAX) cache.clear();
    for (const row of rows) {
      const data = derive(tokenizer, row);
      cache.set(String(row.id), data);
      out.set(String(row.id), data);
    }
  }
  for (const id of ids) {
    const data = out.get(id) ?? cache.get(id);
    if (data) out.set(id, data);
  }
  return out;
}

function derive(tokenizer: ChineseTokenizer, row: ChunkRow): ChunkData {
  const headingText = [row.title, ...row.heading_path].join('\n');
  return {
    row,
    tf: new Map(Object.entries(row.tf)),
    text: normalizeForSearch([row.title, ...row.heading_path, row.content].join('\n')),
    headings: normalizeForSearch(headingText),
    content: normalizeForSearch(row.content),
    headingTermFrequencies: counts(tokenizer.tokens(headingText)),
    sectionTokens: new Set(tokenizer.tokens(row.heading_path.join('\n'))),
    questionTokens: row.format === 'qa' ? tokenizer.tokens(row.heading_path[0] ?? row.title) : undefined,
  };
}

function counts(tokens: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of tokens) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

/**
 * IDF from jieba's general corpus, blended with this knowledge base's own once it is large enough to say
 * something: a word in every passage ("防治" in an agronomy corpus) tells little, whatever Chinese at large says.
 */
export function blendedIdf(generalIdf: number, df: number | undefined, total: number): number {
  if (total < 200) return generalIdf;
  return (generalIdf + okapiIdf(df, total) * IDF_SCALE) / 2;
}

/** Okapi BM25's IDF of a word in `df` of `total` chunks (a word no chunk holds counts as the rarest). */
export function okapiIdf(df: number | undefined, total: number): number {
  return Math.log(1 + (total - (df ?? 0) + 0.5) / ((df ?? 0) + 0.5));
}
// Maps corpus IDF onto jieba's scale (its median word sits near 11.7; a word in 1 of 1000 chunks is ~6.5).
const IDF_SCALE = 1.5;

/** The selective words OR-ed while their rows fit the budget; when even the rarest is common, the two rarest AND-ed. */
export function keywordQuery(terms: string[], frequencies: Map<string, number>): string {
  const present = terms
    .map((t) => ({ t, df: frequencies.get(t) ?? 0 }))
    .filter((x) => x.df > 0)
    .sort((a, b) => a.df - b.df);
  if (present.length === 0) return '';
  if (present[0].df > KEYWORD_ROW_BUDGET && present.length > 1) {
    return `${toOrTsquery([present[0].t])} & ${toOrTsquery([present[1].t])}`;
  }
  const chosen: string[] = [];
  let rows = 0;
  for (const { t, df } of present) {
    if (chosen.length && (rows + df > KEYWORD_ROW_BUDGET || chosen.length >= KEYWORD_MAX_TERMS)) break;
    chosen.push(t);
    rows += df;
  }
  return toOrTsquery(chosen);
}

