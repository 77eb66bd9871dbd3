import type { Queryable } from '../db/pool.ts';
import type { SearchHit, SearchOptions } from './search-types.ts';

/**
 * The knowledge base as the database has it now: kb_version (raised by triggers in the transaction of every
 * change, from any instance) and the database's date (a passage past its review date is flagged by that
 * calendar). Search results, term counts and corpus totals are the same for as long as this is.
 */
export async function readKbVersion(q: Queryable): Promise<string> {
  const { rows } = await q.query<{ v: string }>(`SELECT version::text || ' ' || current_date::text AS v FROM kb_version WHERE id`, []);
  return rows[0]?.v ?? '';
}

const MAX_ENTRIES = 500;

/**
 * Search results by question and options, for one knowledge-base version: the same question asked again (a
 * season's common questions, the wider search after a category one) is answered without the candidate query.
 * Bounded (least recently used out first); each caller gets its own copy of the hits.
 */
export class SearchResults {
  private version = '';
  private entries = new Map<string, Promise<SearchHit[]>>();

  /** The entries of another version are dropped; true when the version changed. */
  at(version: string): boolean {
    if (version === this.version) return false;
    this.version = version;
    this.clear();
    return true;
  }

  clear(): void {
    this.entries = new Map();
  }

  async get(query: string, opts: SearchOptions, compute: () => Promise<SearchHit[]>): Promise<SearchHit[]> {
    const key = JSON.stringify([query, opts.limit ?? null, opts.categories ?? null, opts.county ?? null, opts.perDocument ?? null]);
    const entries = this.entries;
    let hits = entries.get(key);
    if (hits) {
      entries.delete(key); // most recently used last
      entries.set(key, hits);
    } else {
      hits = compute();
      entries.set(key, hits);
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      const mine = hits;
      hits.catch(() => { if (entries.get(key) === mine) entries.delete(key); });
    }
    return (await hits).map(copyOf);
  }
}

function copyOf(h: SearchHit): SearchHit {
  return { ...h, headingPath: [...h.headingPath], signals: { ...h.signals }, checks: { ...h.checks } };
}

const TERMS_MS = 60_000;
const TERMS_MAX = 50_000;

/**
 * Chunk counts per index term (and the total under ''), from kb_terms, for the retriever's weights. A table of
 * up to TERMS_MAX terms is read whole, once a minute at most and again after every knowledge-base change (the
 * retriever clears this when kb_version moves): then no question costs a term lookup. A larger table is read
 * term by term, as asked. A read that started before a clear fills the map it started with, not the new one.
 */
export class TermCounts {
  private cache: { at: number; values: Map<string, number>; whole?: Promise<boolean> } = { at: 0, values: new Map() };
  private tooMany = false;

  constructor(private readonly q: Queryable) {}

  clear(): void {
    this.cache = { at: 0, values: new Map() };
    this.tooMany = false;
  }

  async of(tokens: string[]): Promise<Map<string, number>> {
    const now = Date.now();
    if (now - this.cache.at > TERMS_MS || this.cache.values.size > TERMS_MAX) this.cache = { at: now, values: new Map() };
    const cache = this.cache;
    if (!this.tooMany) cache.whole ??= this.readWhole(cache.values);
    const whole = this.tooMany ? false : await cache.whole!.catch(() => false);
    if (!whole) {
      const missing = ['', ...new Set(tokens)].filter((t) => !cache.values.has(t));
      if (missing.length) {
        const { rows } = await this.q.query<{ term: string; df: number }>('SELECT term, df FROM kb_terms WHERE term = ANY($1::text[])', [missing]);
        const found = new Map(rows.map((r) => [r.term, r.df]));
        for (const t of missing) cache.values.set(t, found.get(t) ?? 0);
      }
    }
    return new Map(['', ...tokens].map((t) => [t, cache.values.get(t) ?? 0]));
  }

  private async readWhole(values: Map<string, number>): Promise<boolean> {
    const { rows } = await this.q.query<{ term: string; df: number }>('SELECT term, df FROM kb_terms LIMIT $1', [TERMS_MAX + 1]);
    if (rows.length > TERMS_MAX) {
      this.tooMany = true;
      return false;
    }
    for (const r of rows) values.set(r.term, r.df);
    return true;
  }
}
