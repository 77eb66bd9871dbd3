import type { Queryable } from '../db/pool.ts';
import { maskPii } from '../privacy/pii.ts';

export type ReviewStatus = 'pending' | 'approved' | 'retired';

export interface ReviewItem {
  id: string;
  ticketId: string;
  documentId: string | null;
  question: string;
  answer: string;
  category: string;
  county: string | null;
  authorName: string;
  createdAt: string;
  updatedAt: string;
  approvedAt: string | null;
  approvedBy: string | null;
  retiredAt: string | null;
  status: ReviewStatus;
}

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);

function toItem(r: any): ReviewItem {
  return {
    id: r.id, ticketId: r.ticket_id, documentId: r.document_id, question: maskPii(r.question), answer: maskPii(r.answer), category: r.category,
    county: r.county, authorName: r.author_name, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
    approvedAt: iso(r.approved_at), approvedBy: r.approved_by, retiredAt: iso(r.retired_at),
    status: r.retired_at ? 'retired' : r.approved_at ? 'approved' : 'pending',
  };
}

/** Expert answers saved to the knowledge base, by review state: pending first is the queue. */
export async function reviewQueue(q: Queryable, status: ReviewStatus | 'all', limit: number): Promise<ReviewItem[]> {
  const { rows } = await q.query(
    `SELECT * FROM expert_answers
      WHERE CASE $1::text WHEN 'pending' THEN retired_at IS NULL AND approved_at IS NULL
                          WHEN 'approved' THEN retired_at IS NULL AND approved_at IS NOT NULL
                          WHEN 'retired' THEN retired_at IS NOT NULL ELSE true END
      ORDER BY created_at DESC LIMIT $2`,
    [status, limit],
  );
  return rows.map(toItem);
}

export type ApproveResult = { ok: true; item: ReviewItem } | { ok: false; reason: 'not_found' | 'retired' };

/** An administrator has read the answer and stands by it. An edit afterwards keeps the approval (it is theirs). */
export async function approveAnswer(q: Queryable, id: string, by: string): Promise<ApproveResult> {
  const { rows } = await q.query(
    `UPDATE expert_answers SET approved_at = coalesce(approved_at, now()), approved_by = coalesce(approved_by, $2)
      WHERE id = $1 AND retired_at IS NULL RETURNING *`,
    [id, by],
  );
  if (rows[0]) return { ok: true, item: toItem(rows[0]) };
  const { rows: any } = await q.query('SELECT retired_at FROM expert_answers WHERE id = $1', [id]);
  return { ok: false, reason: any[0] ? 'retired' : 'not_found' };
}
