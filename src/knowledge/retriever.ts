import type { Database } from '../db/pool.ts';
import type { Category } from './categories.ts';
import type { Embedder } from './embeddings/index.ts';
import type { ChineseTokenizer } from './tokenizer.ts';
import { normalizeForSearch } from './tokenizer.ts';
import { parseTsvector, toOrTsquery } from './tsv.ts';
import { scoreCandidate, type QueryTerms } from './scoring.ts';

export interface SearchOptions {
  limit?: number;
  categories?: Category[];
  /** Passages for this county, plus those that apply everywhere. */
  county?: string;
  /** Keep only the best passage of each document (default true). */
  perDocument?: boolean;
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  title: string;
  headingPath: string[];
  content: string;
  snippet: string;
  category: Category;
  county: string | null;
  source: string | null;
  format: string;
  reviewed: boolean;
  /** 0..1, higher is better: how much of the question the passage covers, blended with vector similarity. */
  score: number;
  signals: { cosine: number; coverage: number; bigramCoverage: number; bm25: number };
}

export interface RetrieverDeps {
  db: Database;
  embedder: Embedder;
  tokenizer: ChineseTokenizer;
}

const CANDIDATES = 40;
/** Keyword candidates come from the most specific words only: common words would match half the corpus. */
const KEYWORD_TERMS = 8;

interface CandidateRow {
  id: string;
  document_id: string;
  heading_path: string[];
  content: string;
  tsv: string;
  token_count: number;
  reviewed: boolean;
  cosine: number;
  title: string;
  category: Category;
  county: string | null;
  source: string | null;
  format: string;
}

/**
 * Hybrid retrieval: nearest neighbours by embedding (HNSW) and keyword matches (GIN over jieba tokens)
 * form one candidate set, which is re-scored in process on signals a person can read (coverage of the
 * question's specific words, BM25, cosine). The score is what the agent turns into confidence.
 */
export class HybridRetriever {
  constructor(private readonly deps: RetrieverDeps) {}

  async search(query: string, opts: SearchOptions = {}): Promise<SearchHit[]> {
    const limit = Math.min(Math.max(opts.limit ?? 5, 1), 50);
    const terms = this.queryTerms(query);
    if (terms.distinct.length === 0) return [];
    const keywordTerms = [...terms.distinct]
      .sort((a, b) => terms.idf.get(b)! - terms.idf.get(a)!)
      .slice(0, KEYWORD_TERMS);
    const vector = await this.deps.embedder.embeddings.embedQuery(query);
    const { rows } = await this.deps.db.pool.query<CandidateRow>(CANDIDATES_SQL, [
      JSON.stringify(vector),
      toOrTsquery(keywordTerms),
      opts.categories?.length ? opts.categories : null,
      opts.county ?? null,
      Math.max(CANDIDATES, limit * 2),
    ]);
    const avgLength = rows.reduce((n, r) => n + r.token_count, 0) / Math.max(rows.length, 1) || 1;
    const scored = rows.map((row) => {
      const signals = scoreCandidate(terms, {
        termFrequencies: parseTsvector(row.tsv),
        length: row.token_count,
        averageLength: avgLength,
        text: normalizeForSearch([row.title, ...row.heading_path, row.content].join('\n')),
        cosine: Number(row.cosine),
      });
      return { row, signals };
    });
    scored.sort((a, b) => b.signals.score - a.signals.score || Number(a.row.id) - Number(b.row.id));
    const seen = new Set<string>();
    const hits: SearchHit[] = [];
    for (const { row, signals } of scored) {
      if (opts.perDocument !== false) {
        if (seen.has(row.document_id)) continue;
        seen.add(row.document_id);
      }
      hits.push({
        chunkId: String(row.id),
        documentId: row.document_id,
        title: row.title,
        headingPath: row.heading_path,
        content: row.content,
        snippet: snippet(row.content),
        category: row.category,
        county: row.county,
        source: row.source,
        format: row.format,
        reviewed: row.reviewed,
        score: round(signals.score),
        signals: {
          cosine: round(signals.cosine),
          coverage: round(signals.coverage),
          bigramCoverage: round(signals.bigramCoverage),
          bm25: round(signals.bm25),
        },
      });
      if (hits.length >= limit) break;
    }
    return hits;
  }

  queryTerms(query: string): QueryTerms {
    const tokens = this.deps.tokenizer.tokens(query);
    const distinct = [...new Set(tokens)];
    const idf = new Map(distinct.map((t) => [t, this.deps.tokenizer.idf(t)]));
    const bigrams = new Map<string, number>();
    for (const run of normalizeForSearch(query).match(/\p{Script=Han}+/gu) ?? []) {
      for (let i = 0; i + 1 < run.length; i++) {
        const g = run.slice(i, i + 2);
        if (!this.deps.tokenizer.isStopword(g)) bigrams.set(g, this.deps.tokenizer.idf(g));
      }
    }
    return { distinct, idf, bigrams };
  }
}

const CANDIDATES_SQL = `
WITH by_vector AS (
  SELECT id FROM kb_chunks
   WHERE ($3::text[] IS NULL OR category = ANY($3::text[])) AND ($4::text IS NULL OR county IS NULL OR county = $4)
   ORDER BY embedding <=> $1::public.vector
   LIMIT $5
), by_keyword AS (
  SELECT id FROM kb_chunks
   WHERE $2 <> '' AND tsv @@ $2::tsquery
     AND ($3::text[] IS NULL OR category = ANY($3::text[])) AND ($4::text IS NULL OR county IS NULL OR county = $4)
   ORDER BY ts_rank_cd(tsv, $2::tsquery, 1) DESC
   LIMIT $5
), ids AS (SELECT id FROM by_vector UNION SELECT id FROM by_keyword)
SELECT c.id, c.document_id, c.heading_path, c.content, c.tsv::text AS tsv, c.token_count, c.reviewed,
       1 - (c.embedding <=> $1::public.vector) AS cosine,
       d.title, d.category, d.county, d.source, d.format
  FROM ids JOIN kb_chunks c ON c.id = ids.id JOIN kb_documents d ON d.id = c.document_id`;

function snippet(content: string, max = 120): string {
  return content.length <= max ? content : `${content.slice(0, max)}…`;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
