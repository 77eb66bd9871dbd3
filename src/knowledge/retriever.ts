import type { Database } from '../db/pool.ts';
import type { Category } from './categories.ts';
import { CANDIDATES_SQL, chunksOf, keywordQuery, blendedIdf, okapiIdf, type CandidateRow, type ChunkCache } from './candidates.ts';
import { readCorpusStats, type CorpusStats } from './corpus-stats.ts';
import type { Embedder } from './embeddings/index.ts';
import type { ChineseTokenizer } from './tokenizer.ts';
import { answerKindOf, scoreCandidate, type QueryTerms, type RankFeatures } from './scoring.ts';
import { answerKindsOf, answersAnyOf, speciesMatch } from './answer-type.ts';
import { failedCheck, probability, type ConfidenceSignals } from './confidence.ts';
import { supportSignals } from './support.ts';
import { bigramShare } from './passage-signals.ts';
import { readKbVersion, SearchResults, TermCounts } from './search-cache.ts';
import type { SearchHit, SearchOptions } from './search-types.ts';

export type { SearchHit, SearchOptions } from './search-types.ts';

export interface RetrieverDeps {
  db: Database;
  embedder: Embedder;
  tokenizer: ChineseTokenizer;
}

const CANDIDATES = 40;


/**
 * Hybrid retrieval: nearest neighbours by embedding (HNSW) and keyword matches (GIN over jieba tokens)
 * form one candidate set, which is re-scored in process on signals a person can read (coverage of the
 * question's specific words, BM25, cosine). The score is what the agent turns into confidence.
 */
const REVIEWED_BONUS = 0.1;
/** Categories about crops, animals and fish: there "咋回事" asks for a cause (a disease, a deficiency). */
const FARMING = new Set<Category>(['agronomy', 'livestock', 'aquaculture', 'faq']);
const STATS_CACHE_MS = 60_000;

export class HybridRetriever {
  private readonly terms: TermCounts;
  private statsCache: { at: number; stats?: Promise<CorpusStats> } = { at: 0 };
  private readonly results = new SearchResults();
  /** Chunks and what ranking derives from them, for the knowledge-base version the results cache is at. */
  private chunks: ChunkCache = new Map();

  constructor(private readonly deps: RetrieverDeps) {
    this.terms = new TermCounts(deps.db.pool);
  }

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
    this.results.clear();
    this.forgetDerived();
  }

  /** Drop what is derived from the knowledge base's contents: term counts, corpus totals, chunks. */
  private forgetDerived(): void {
    this.terms.clear();
    this.statsCache = { at: 0 };
    this.chunks = new Map();
  }

  /** Corpus totals for length normalisation, cached like the term counts. */
  private corpusStats(): Promise<CorpusStats> {
    const now = Date.now();
    if (!this.statsCache.stats || now - this.statsCache.at > STATS_CACHE_MS) {
      const stats = readCorpusStats(this.deps.db.pool);
      this.statsCache = { at: now, stats };
      stats.catch(() => { if (this.statsCache.stats === stats) this.statsCache = { at: 0 }; });
    }
    return this.statsCache.stats!;
  }

  /**
   * The passages that best answer the question. The same question with the same options, asked again while
   * the knowledge base (its version in the database, whichever instance changed it) and the date stay the same,
   * gets the same hits from this process's cache; a new version also drops the cached term counts.
   */
  async search(query: string, opts: SearchOptions = {}): Promise<SearchHit[]> {
    if (this.results.at(await readKbVersion(this.deps.db.pool))) this.forgetDerived();
    // A search that read this version fills this version's map, even if another has moved on meanwhile.
    const chunks = this.chunks;
    return this.results.get(query, opts, () => this.rank(query, opts, chunks));
  }

  /**
   * Every candidate chunk of the question with its score's features, best first (not one per document, not
   * cut to a limit): what `npm run ranker:fit` learns the score's weights from.
   */
  async scoredCandidates(query: string, opts: SearchOptions = {}): Promise<{ chunkId: string; documentId: string; score: number; features: RankFeatures }[]> {
    if (this.results.at(await readKbVersion(this.deps.db.pool))) this.forgetDerived();
    const scored = (await this.score(query, opts, this.chunks))?.scored ?? [];
    return scored.map(({ row, signals }) => ({ chunkId: String(row.id), documentId: row.document_id, score: signals.score, features: signals.features }));
  }

  private async rank(query: string, opts: SearchOptions, cache: ChunkCache): Promise<SearchHit[]> {
    const limit = Math.min(Math.max(opts.limit ?? 5, 1), 50);
    const ranked = await this.score(query, opts, cache);
    if (!ranked) return [];
    const { terms, frequencies, scored } = ranked;
    const seen = new Set<string>();
    const hits: SearchHit[] = [];
    const kinds = answerKindsOf(query);
    const species = terms.distinct.filter((t) => this.deps.tokenizer.isCommodity(t));
    for (const [rank, { row, chunk, signals, text }] of scored.entries()) {
      if (opts.perDocument !== false) {
        if (seen.has(row.document_id)) continue;
        seen.add(row.document_id);
      }
      const next = scored.slice(rank + 1).find((s) => s.row.document_id !== row.document_id);
      const headings = chunk.headings;
      const support = supportSignals(terms, { text, content: chunk.content, headings }, frequencies, (w) => this.deps.tokenizer.isKnown(w));
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
        kindMatch: answersAnyOf(FARMING.has(row.category) ? kinds : kinds.filter((k) => k !== 'cause'), chunk.content),
        reviewed: row.reviewed,
        qa: row.format === 'qa',
        terms: terms.distinct.length,
        headingBigram: bigramShare(terms.bigrams.keys(), headings),
        sectionCoverage: signals.features.sectionCoverage,
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

  /** The candidates of the question (vector and keyword), scored and sorted best first; undefined without tokens. */
  private async score(query: string, opts: SearchOptions, cache: ChunkCache) {
    const limit = Math.min(Math.max(opts.limit ?? 5, 1), 50);
    const tokens = this.deps.tokenizer.tokens(query);
    if (tokens.length === 0) return undefined;
    const frequencies = await this.documentFrequencies(tokens);
    const terms = this.queryTerms(query, frequencies);
    const vector = await this.deps.embedder.embeddings.embedQuery(query);
    const { rows } = await this.deps.db.pool.query<CandidateRow>(CANDIDATES_SQL, [
      JSON.stringify(vector),
      keywordQuery(terms.distinct, frequencies),
      opts.categories?.length ? opts.categories : null,
      opts.county ?? null,
      Math.max(CANDIDATES, limit * 2),
    ]);
    const chunks = await chunksOf(this.deps.db.pool, this.deps.tokenizer, rows.map((r) => String(r.id)), cache);
    const corpus = await this.corpusStats();
    const scored = rows.flatMap(({ id, cosine }) => {
      const chunk = chunks.get(String(id));
      if (!chunk) return []; // deleted since the candidate query: the next search sees the new version
      const { row } = chunk;
      const termFrequencies = new Map<string, number>();
      for (const t of terms.distinct) {
        const tf = chunk.tf.get(t);
        if (tf !== undefined) termFrequencies.set(t, tf);
      }
      const text = this.unshadow(terms.distinct, chunk.text, termFrequencies);
      const signals = scoreCandidate(terms, {
        termFrequencies,
        headingTermFrequencies: chunk.headingTermFrequencies,
        sectionTokens: chunk.sectionTokens,
        length: row.token_count,
        averageLength: corpus.averageTokens || row.token_count || 1,
        charLength: text.length,
        averageCharLength: corpus.averageChars || text.length || 1,
        text,
        headings: chunk.headings,
        questionTokens: chunk.questionTokens,
        cosine: Number(cosine),
      });
      // Reviewed expert answers rank above plain passages: an expert has already said this is the answer.
      if (row.reviewed) signals.score += REVIEWED_BONUS;
      return [{ row, chunk, signals, text }];
    });
    scored.sort((a, b) => b.signals.score - a.signals.score || Number(a.row.id) - Number(b.row.id));
    return { terms, frequencies, scored };
  }

  /** Chunk counts per token (and the total under ''), from kb_terms (search-cache.ts's TermCounts). */
  documentFrequencies(tokens: string[]): Promise<Map<string, number>> {
    return this.terms.of(tokens);
  }

  queryTerms(query: string, frequencies = new Map<string, number>()): QueryTerms {
    const tokens = this.deps.tokenizer.tokens(query);
    const distinct = [...new Set(tokens)];
    const total = frequencies.get('') ?? 0;
    const idf = new Map(distinct.map((t) => [t, blendedIdf(this.deps.tokenizer.idf(t), frequencies.get(t), total)]));
    const corpusIdf = new Map(distinct.map((t) => [t, okapiIdf(frequencies.get(t), total)]));
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
    return { distinct, idf, corpusIdf, bigrams, subject, wants: answerKindOf(query) };
  }
}

function snippet(content: string, max = 120): string {
  return content.length <= max ? content : `${content.slice(0, max)}…`;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
