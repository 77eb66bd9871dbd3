import type { Queryable } from '../db/pool.ts';
import type { SearchHit, SearchOptions } from './retriever.ts';

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
