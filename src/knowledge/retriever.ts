import type { Database } from '../db/pool.ts';
import type { Category } from './categories.ts';
import type { Embedder } from './embeddings/index.ts';
import type { ChineseTokenizer } from './tokenizer.ts';
import { normalizeForSearch } from './tokenizer.ts';
import { toOrTsquery } from './tsv.ts';
import { answerKindOf, scoreCandidate, type QueryTerms } from './scoring.ts';
import { answerKindsOf, answersAnyOf, speciesMatch } from './answer-type.ts';
import { failedCheck, probability, type ConfidenceSignals } from './confidence.ts';
import { PAST_REVIEW_SQL } from './review.ts';
import { supportSignals } from './support.ts';

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
  /** The document's reviewBy date has passed: the citation tells the farmer so. */
  pastReview: boolean;
  /** 0..1, higher is better: how much of the question the passage covers, blended with vector similarity. */
  score: number;
  signals: { cosine: number; coverage: number; bigramCoverage: number; headingCoverage: number; titleMatch: number; bm25: number };
  /** the calibrated probability that this passage answers the question (src/knowledge/confidence.ts) */
  confidence: number;
  /** what the calibrator read, checks included */
  checks: ConfidenceSignals;
  /** the answer-type or subject check this passage fails: the skill does not answer from it */
  failed?: 'answer_kind' | 'species' | 'subject';
}

export interface RetrieverDeps {
  db: Database;
  embedder: Embedder;
  tokenizer: ChineseTokenizer;
}

const CANDIDATES = 40;
/**
 * Keyword candidates come from the question's most selective words, as many as keep the rows to rank under
 * this budget: ranking is per matching row, and a common word ("防治") would match half an agronomy corpus.
 */
const KEYWORD_ROW_BUDGET = 300;
const KEYWORD_MAX_TERMS = 8;
const KEYWORD_RANK_ROWS = 600;

interface CandidateRow {
  id: string;
  document_id: string;
  heading_path: string[];
  content: string;
  /** term frequencies of the question's words in this chunk */
  tf: Record<string, number>;
  token_count: number;
  reviewed: boolean;
  past_review: boolean;
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
const REVIEWED_BONUS = 0.1;
/** Categories about crops, animals and fish: there "咋回事" asks for a cause (a disease, a deficiency). */
const FARMING = new Set<Category>(['agronomy', 'livestock', 'aquaculture', 'faq']);
const DF_CACHE_MS = 60_000;
const DF_CACHE_MAX = 50_000;

export class HybridRetriever {
  private dfCache = { at: 0, values: new Map<string, number>() };

  constructor(private readonly deps: RetrieverDeps) {}

  /**
   * "猪瘟" asked, "非洲猪瘟" written: blank out longer dictionary words the question did not use, and drop a
   * question word whose only occurrences were inside them, so a different disease does not count as a match.
   */
  private unshadow(terms: string[], text: string, tf: Map<string, number>): string {
    let out = text;
    for (const t of terms) {
      const longer = this.deps.tokenizer.longerDomainWords(t).filter((w) => !terms.includes(w) && out.includes(w));
      if (!longer.length) continue;
      for (const w of longer) out = out.split(w).join('□');
      if (!out.includes(t)) tf.delete(t);
    }
    return out;
  }

  /**
   * The question names a disease or pest of our dictionary (its most specific word, or a word with a longer
   * namesake) that the passage, with the namesakes blanked out, does not contain.
   */
  private namedThingMissing(terms: QueryTerms, text: string): boolean {
    const tk = this.deps.tokenizer;
    const top = terms.subject?.[0];
    if (top && terms.distinct.length > 1 && tk.isDomainWord(top) && !tk.isCommodity(top) && !terms.subject!.some((w) => text.includes(w))) return true;
    return terms.distinct.some((t) => tk.longerDomainWords(t).length > 0 && !text.includes(t));
  }

  /** Forget cached term counts (the store calls this after every change in this process). */
  invalidate(): void {
    this.dfCache = { at: 0, values: new Map() };
  }

  async search(query: string, opts: SearchOptions = {}): Promise<SearchHit[]> {
    const limit = Math.min(Math.max(opts.limit ?? 5, 1), 50);
    const tokens = this.deps.tokenizer.tokens(query);
    if (tokens.length === 0) return [];
    const frequencies = await this.documentFrequencies(tokens);
    const terms = this.queryTerms(query, frequencies);
    const vector = await this.deps.embedder.embeddings.embedQuery(query);
    const { rows } = await this.deps.db.pool.query<CandidateRow>(CANDIDATES_SQL, [
      JSON.stringify(vector),
      keywordQuery(terms.distinct, frequencies),
      opts.categories?.length ? opts.categories : null,
      opts.county ?? null,
      Math.max(CANDIDATES, limit * 2),
      terms.distinct,
    ]);
    const avgLength = rows.reduce((n, r) => n + r.token_count, 0) / Math.max(rows.length, 1) || 1;
    const scored = rows.map((row) => {
      const termFrequencies = new Map(Object.entries(row.tf));
      const text = this.unshadow(terms.distinct, normalizeForSearch([row.title, ...row.heading_path, row.content].join('\n')), termFrequencies);
      const signals = scoreCandidate(terms, {
        termFrequencies,
        length: row.token_count,
        averageLength: avgLength,
        text,
        headings: normalizeForSearch([row.title, ...row.heading_path].join('\n')),
        questionTokens: row.format === 'qa' ? this.deps.tokenizer.tokens(row.heading_path[0] ?? row.title) : undefined,
        cosine: Number(row.cosine),
      });
      // Reviewed expert answers rank above plain passages: an expert has already said this is the answer.
      if (row.reviewed) signals.score += REVIEWED_BONUS;
      return { row, signals, text };
    });
    scored.sort((a, b) => b.signals.score - a.signals.score || Number(a.row.id) - Number(b.row.id));
    const seen = new Set<string>();
    const hits: SearchHit[] = [];
    const kinds = answerKindsOf(query);
    const species = terms.distinct.filter((t) => this.deps.tokenizer.isCommodity(t));
    for (const [rank, { row, signals, text }] of scored.entries()) {
      if (opts.perDocument !== false) {
        if (seen.has(row.document_id)) continue;
        seen.add(row.document_id);
      }
      const next = scored.slice(rank + 1).find((s) => s.row.document_id !== row.document_id);
      const headings = normalizeForSearch([row.title, ...row.heading_path].join('\n'));
      const support = supportSignals(terms, { text, content: normalizeForSearch(row.content), headings }, frequencies, (w) => this.deps.tokenizer.isKnown(w));
      const checks: ConfidenceSignals = {
        ...support,
        score: signals.score,
        margin: signals.score - (next?.signals.score ?? 0),
        coverage: signals.coverage,
        bigramCoverage: signals.bigramCoverage,
        headingCoverage: signals.headingCoverage,
        titleMatch: signals.titleMatch,
        cosine: signals.cosine,
        bm25: signals.bm25,
        subjectNamed: !(terms.subject && terms.distinct.length > 1 && !terms.subject.some((w) => text.includes(w))),
        domainSubjectMissing: this.namedThingMissing(terms, text),
        speciesMatch: speciesMatch(species, text, this.deps.tokenizer.commodities(), (w) => this.deps.tokenizer.aliasesOf(w), headings),
        // the passage's own words, not its document's title ("…防治" in a title is not a treatment)
        // "咋回事" of a programme or service is answered by saying what it is: the cause check is for farming
        kindMatch: answersAnyOf(FARMING.has(row.category) ? kinds : kinds.filter((k) => k !== 'cause'), normalizeForSearch(row.content)),
        reviewed: row.reviewed,
        qa: row.format === 'qa',
        terms: terms.distinct.length,
      };
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
        pastReview: row.past_review,
        score: round(Math.min(1, signals.score)),
        signals: {
          cosine: round(signals.cosine),
          coverage: round(signals.coverage),
          bigramCoverage: round(signals.bigramCoverage),
          headingCoverage: round(signals.headingCoverage),
          titleMatch: round(signals.titleMatch),
          bm25: round(signals.bm25),
        },
        confidence: round(probability(checks)),
        checks,
        failed: failedCheck(checks),
      });
      if (hits.length >= limit) break;
    }
    return hits;
  }

  /**
   * Chunk counts per token (and the total under ''), from kb_terms. Cached for a minute: counts move only
   * with ingestion and only steer candidate choice and weights, so a minute's staleness costs nothing.
   */
  async documentFrequencies(tokens: string[]): Promise<Map<string, number>> {
    const now = Date.now();
    if (now - this.dfCache.at > DF_CACHE_MS || this.dfCache.values.size > DF_CACHE_MAX) {
      this.dfCache = { at: now, values: new Map() };
    }
    const missing = ['', ...new Set(tokens)].filter((t) => !this.dfCache.values.has(t));
    if (missing.length) {
      const { rows } = await this.deps.db.pool.query<{ term: string; df: number }>(
        'SELECT term, df FROM kb_terms WHERE term = ANY($1::text[])',
        [missing],
      );
      const found = new Map(rows.map((r) => [r.term, r.df]));
      for (const t of missing) this.dfCache.values.set(t, found.get(t) ?? 0);
    }
    return new Map(['', ...tokens].map((t) => [t, this.dfCache.values.get(t)!]));
  }

  queryTerms(query: string, frequencies = new Map<string, number>()): QueryTerms {
    const tokens = this.deps.tokenizer.tokens(query);
    const distinct = [...new Set(tokens)];
    const total = frequencies.get('') ?? 0;
    const idf = new Map(distinct.map((t) => [t, blendedIdf(this.deps.tokenizer.idf(t), frequencies.get(t), total)]));
    const bigrams = new Map<string, number>();
    for (const run of this.deps.tokenizer.standardize(query).match(/\p{Script=Han}+/gu) ?? []) {
      for (let i = 0; i + 1 < run.length; i++) {
        const g = run.slice(i, i + 2);
        if (!this.deps.tokenizer.isStopword(g)) bigrams.set(g, this.deps.tokenizer.idf(g));
      }
    }
    const known = distinct.filter((t) => this.deps.tokenizer.isKnown(t) && t.length > 1);
    const top = known.reduce<string | undefined>((best, t) => (!best || idf.get(t)! > idf.get(best)! ? t : best), undefined);
    const subject = top ? [top, ...distinct.filter((t) => t !== top && t.length > 1 && top.includes(t))] : undefined;
    return { distinct, idf, bigrams, subject, wants: answerKindOf(query) };
  }
}

const CANDIDATES_SQL = `
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
SELECT c.id, c.document_id, c.heading_path, c.content, c.token_count, c.reviewed,
       (SELECT coalesce(jsonb_object_agg(u.lexeme, coalesce(array_length(u.positions, 1), 1)), '{}')
          FROM unnest(c.tsv) AS u(lexeme, positions, weights) WHERE u.lexeme = ANY($6::text[])) AS tf,
       1 - (c.embedding <=> $1::public.vector) AS cosine,
       d.title, d.category, d.county, d.source, d.format, ${PAST_REVIEW_SQL} AS past_review
  FROM ids JOIN kb_chunks c ON c.id = ids.id JOIN kb_documents d ON d.id = c.document_id`;

/**
 * IDF from jieba's general corpus, blended with this knowledge base's own once it is large enough to say
 * something: a word in every passage ("防治" in an agronomy corpus) tells little, whatever Chinese at large says.
 */
export function blendedIdf(generalIdf: number, df: number | undefined, total: number): number {
  if (total < 200) return generalIdf;
  const corpusIdf = Math.log(1 + (total - (df ?? 0) + 0.5) / ((df ?? 0) + 0.5));
  return (generalIdf + corpusIdf * IDF_SCALE) / 2;
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

function snippet(content: string, max = 120): string {
  return content.length <= max ? content : `${content.slice(0, max)}…`;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
