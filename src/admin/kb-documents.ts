import type { Queryable } from '../db/pool.ts';
import type { DocumentInput } from '../knowledge/documents.ts';
import type { KnowledgeStore } from '../knowledge/store.ts';
import { PAST_REVIEW_SQL } from '../knowledge/review.ts';

export interface DocumentSummary {
  id: string;
  sourceKey: string;
  title: string;
  category: string;
  county: string | null;
  source: string | null;
  date: string | null;
  tags: string[];
  format: string;
  reviewed: boolean;
  chunks: number;
  status: 'active' | 'retired';
  updatedAt: string;
  retiredBy: string | null;
  writtenBy: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewBy: string | null;
  /** reviewBy has passed: the bureau should review it (the bot flags its citations meanwhile). */
  pastReview: boolean;
}

export interface DocumentFilter {
  /** words in the title, source or text */
  q?: string;
  category?: string;
  county?: string;
  status: 'active' | 'retired' | 'all';
  /** one document */
  id?: string;
  /** only documents whose review is due within this many days (0: past review now), soonest first */
  reviewDueDays?: number;
  limit: number;
  offset: number;
}

const day = (d: unknown) => (d ? (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10)) : null);

/**
 * The documents in the knowledge base and those retired from it, filtered and newest first. The search is
 * a plain substring match on title, source and text: the console looks for a document it knows, it does
 * not rank passages (that is /api/v1/kb/search).
 */
export async function listDocuments(q: Queryable, f: DocumentFilter): Promise<{ documents: DocumentSummary[]; total: number }> {
  const { rows } = await q.query(
    `WITH docs AS (
       SELECT d.id, d.source_key, d.title, d.category, d.county, d.source, d.doc_date::text AS doc_date, d.tags, d.format,
              d.reviewed, (SELECT count(*)::int FROM kb_chunks c WHERE c.document_id = d.id) AS chunks, 'active' AS status,
              d.updated_at, NULL::text AS retired_by, d.content,
              d.written_by, d.reviewed_by, d.reviewed_at::text AS reviewed_at, d.review_by, ${PAST_REVIEW_SQL} AS past_review
         FROM kb_documents d WHERE $1::text <> 'retired'
       UNION ALL
       SELECT d.id, d.source_key, d.title, d.category, d.county, d.source, d.doc_date::text, d.tags, d.format, d.reviewed,
              d.chunks, 'retired', d.retired_at, d.retired_by, d.content,
              d.written_by, d.reviewed_by, d.reviewed_at::text, d.review_by, ${PAST_REVIEW_SQL}
         FROM kb_retired_documents d WHERE $1::text <> 'active'
     )
     SELECT *, review_by::text AS review_by_text, count(*) OVER ()::int AS total FROM docs
      WHERE ($2::text IS NULL OR strpos(title || ' ' || coalesce(source, '') || ' ' || content, $2) > 0)
        AND ($3::text IS NULL OR category = $3) AND ($4::text IS NULL OR county = $4) AND ($7::uuid IS NULL OR id = $7)
        AND ($8::int IS NULL OR review_by < current_date + $8::int)
      ORDER BY CASE WHEN $8::int IS NULL THEN NULL ELSE review_by END, updated_at DESC, title LIMIT $5 OFFSET $6`,
    [f.status, f.q ?? null, f.category ?? null, f.county ?? null, f.limit, f.offset, f.id ?? null, f.reviewDueDays ?? null],
  );
  return {
    total: rows[0]?.total ?? 0,
    documents: rows.map((r) => ({
      id: r.id, sourceKey: r.source_key, title: r.title, category: r.category, county: r.county, source: r.source,
      date: day(r.doc_date), tags: r.tags ?? [], format: r.format, reviewed: r.reviewed, chunks: r.chunks, status: r.status,
      updatedAt: new Date(r.updated_at).toISOString(), retiredBy: r.retired_by,
      writtenBy: r.written_by, reviewedBy: r.reviewed_by, reviewedAt: day(r.reviewed_at), reviewBy: day(r.review_by_text),
      pastReview: r.past_review,
    })),
  };
}

/**
 * Take a document out of the knowledge base (the bot stops citing it at once) and keep it to be restored.
 * The copy and the delete are one transaction's worth of intent: the copy is written first, so a failure
 * between them leaves the document both live and kept, never lost. Returns false when there is no such document.
 */
export async function retireDocument(q: Queryable, store: KnowledgeStore, id: string, by: string): Promise<boolean> {
  const { rowCount } = await q.query(
    `INSERT INTO kb_retired_documents (id, source_key, title, category, county, source, doc_date, tags, format, content,
                                       reviewed, chunks, retired_by, written_by, reviewed_by, reviewed_at, review_by)
     SELECT d.id, d.source_key, d.title, d.category, d.county, d.source, d.doc_date, d.tags, d.format, d.content, d.reviewed,
            (SELECT count(*)::int FROM kb_chunks c WHERE c.document_id = d.id), $2,
            d.written_by, d.reviewed_by, d.reviewed_at, d.review_by
       FROM kb_documents d WHERE d.id = $1
     ON CONFLICT (source_key) DO UPDATE SET id = EXCLUDED.id, title = EXCLUDED.title, content = EXCLUDED.content,
       chunks = EXCLUDED.chunks, retired_by = EXCLUDED.retired_by, retired_at = now(),
       written_by = EXCLUDED.written_by, reviewed_by = EXCLUDED.reviewed_by, reviewed_at = EXCLUDED.reviewed_at,
       review_by = EXCLUDED.review_by`,
    [id, by],
  );
  if (!rowCount) return false;
  await store.delete(id);
  return true;
}

/** Put a retired document back: chunked and embedded again. Undefined when no retired document has this id. */
export async function restoreDocument(q: Queryable, store: KnowledgeStore, id: string): Promise<{ id: string; chunks: number } | undefined> {
  const { rows } = await q.query(
    `SELECT *, reviewed_at::text AS reviewed_at_text, review_by::text AS review_by_text FROM kb_retired_documents WHERE id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return undefined;
  const doc: DocumentInput = {
    sourceKey: r.source_key, title: r.title, category: r.category, county: r.county, source: r.source,
    date: day(r.doc_date), tags: r.tags ?? [], format: r.format, content: r.content, reviewed: r.reviewed,
    review: { writtenBy: r.written_by, reviewedBy: r.reviewed_by, reviewedAt: r.reviewed_at_text, reviewBy: r.review_by_text },
  };
  const result = await store.upsert(doc);
  await q.query('DELETE FROM kb_retired_documents WHERE id = $1', [id]);
  return { id: result.id, chunks: result.chunks };
}
