import type { Queryable } from '../db/pool.ts';
import { qaContent, type DocumentInput } from '../knowledge/documents.ts';
import { TITLE_MAX } from '../knowledge/limits.ts';
import { maskPii, scrubPii } from '../privacy/pii.ts';
import { isExpertCategory, kbCategoryOf, type ExpertCategory } from './categories.ts';
import type { EscalationContext } from './context.ts';
import { conflict, missing } from './errors.ts';
import { addEvent, type Actor, type Ticket } from './tickets.ts';

export interface ExpertAnswer {
  id: string;
  ticketId: string;
  documentId: string | null;
  question: string;
  answer: string;
  category: ExpertCategory;
  county: string | null;
  authorId: string | null;
  authorName: string;
  createdAt: string;
  updatedAt: string;
  retiredAt: string | null;
}

const COLUMNS = `id, ticket_id, document_id, question, answer, category, county, author_id, author_name, created_at,
  updated_at, retired_at`;

// Saved answers are scrubbed of personal numbers as the knowledge base is; rows saved before that are masked when read.
function toAnswer(r: any): ExpertAnswer {
  const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
  return {
    id: r.id, ticketId: r.ticket_id, documentId: r.document_id, question: maskPii(r.question), answer: maskPii(r.answer),
    category: r.category, county: r.county, authorId: r.author_id, authorName: r.author_name,
    createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!, retiredAt: iso(r.retired_at),
  };
}

/** China's calendar day of an instant, for the document's date. */
function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * The reviewed Q&A document of an expert answer: the question as its title (so the same question finds it
 * first), the expert as its source (cited as "（专家答复）"), its day, category and county.
 */
export function answerDocument(a: Pick<ExpertAnswer, 'ticketId' | 'question' | 'answer' | 'category' | 'county' | 'authorName'>, at: Date, commodity?: string | null): DocumentInput {
  const title = a.question.replace(/\s+/g, ' ').trim().slice(0, TITLE_MAX);
  return {
    sourceKey: `expert:${a.ticketId}`,
    title,
    category: kbCategoryOf(a.category),
    county: a.county,
    source: `${a.authorName}（${a.category}专家）`,
    date: chinaDate(at),
    tags: ['专家答复', a.category, ...(commodity ? [commodity] : [])],
    format: 'qa',
    content: qaContent(a.question, a.answer),
    reviewed: true,
  };
}

/**
 * Save an expert's answer to the knowledge base (again, replacing the earlier one, when saved twice). The
 * document is written first (its embedding may come from a remote service); the record that lets an
 * administrator edit or retire it follows.
 */
export async function saveExpertAnswer(
  ctx: EscalationContext,
  ticket: Ticket,
  by: Actor & { displayName: string },
  qa: { question: string; answer: string },
): Promise<ExpertAnswer> {
  const now = ctx.now();
  const draft = {
    ticketId: ticket.id, question: scrubPii(qa.question.trim()), answer: scrubPii(qa.answer.trim()), category: ticket.category,
    county: ticket.county, authorName: by.displayName,
  };
  const doc = await ctx.knowledge.store.upsert(answerDocument(draft, now, ticket.commodity));
  const { rows } = await ctx.pool.query(
    `INSERT INTO expert_answers (ticket_id, document_id, question, answer, category, county, author_id, author_name,
                                 created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
     ON CONFLICT (ticket_id) DO UPDATE SET document_id = EXCLUDED.document_id, question = EXCLUDED.question,
       answer = EXCLUDED.answer, author_id = EXCLUDED.author_id, author_name = EXCLUDED.author_name,
       updated_at = EXCLUDED.updated_at, retired_at = NULL
     RETURNING ${COLUMNS}`,
    [ticket.id, doc.id, draft.question, draft.answer, draft.category, draft.county, by.id, by.displayName, now],
  );
  await addEvent(ctx.pool, {
    ticketId: ticket.id, kind: 'saved_to_kb', actor: by, detail: { documentId: doc.id, status: doc.status }, at: now,
  });
  return toAnswer(rows[0]);
}

/** The expert's latest answer text on a ticket, for saving it later. */
export async function latestExpertReply(q: Queryable, ticketId: string): Promise<string | undefined> {
  const { rows } = await q.query(
    `SELECT m.text FROM ticket_events e JOIN messages m ON m.id = e.message_id
      WHERE e.ticket_id = $1 AND e.kind = 'answered' ORDER BY e.id DESC LIMIT 1`,
    [ticketId],
  );
  return rows[0]?.text;
}

export async function listExpertAnswers(q: Queryable, opts: { includeRetired?: boolean; limit?: number } = {}): Promise<ExpertAnswer[]> {
  const { rows } = await q.query(
    `SELECT ${COLUMNS} FROM expert_answers WHERE $1 OR retired_at IS NULL ORDER BY created_at DESC LIMIT $2`,
    [opts.includeRetired ?? false, opts.limit ?? 200],
  );
  return rows.map(toAnswer);
}

export async function getExpertAnswer(q: Queryable, id: string): Promise<ExpertAnswer | undefined> {
  const { rows } = await q.query(`SELECT ${COLUMNS} FROM expert_answers WHERE id = $1`, [id]);
  return rows[0] ? toAnswer(rows[0]) : undefined;
}

/** An administrator's correction: the document is rewritten under the same identity. */
export async function editExpertAnswer(
  ctx: EscalationContext,
  id: string,
  by: Actor,
  patch: { question?: string; answer?: string; category?: string; county?: string | null },
): Promise<ExpertAnswer> {
  const current = await getExpertAnswer(ctx.pool, id);
  if (!current) throw missing('not_found', `没有编号为 ${id} 的专家答复`);
  if (current.retiredAt) throw conflict('retired', '这条专家答复已经停用；请专家在问题里重新存入知识库');
  const next = {
    ...current,
    question: scrubPii(patch.question?.trim() || current.question),
    answer: scrubPii(patch.answer?.trim() || current.answer),
    category: isExpertCategory(patch.category) ? patch.category : current.category,
    county: patch.county === undefined ? current.county : patch.county,
  };
  const now = ctx.now();
  const doc = await ctx.knowledge.store.upsert(answerDocument(next, now));
  const { rows } = await ctx.pool.query(
    `UPDATE expert_answers SET question = $2, answer = $3, category = $4, county = $5, document_id = $6, updated_at = $7
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, next.question, next.answer, next.category, next.county, doc.id, now],
  );
  await addEvent(ctx.pool, { ticketId: current.ticketId, kind: 'kb_edited', actor: by, detail: { documentId: doc.id }, at: now });
  return toAnswer(rows[0]);
}

/** Take the answer out of the knowledge base (the assistant stops using it); the record stays. */
export async function retireExpertAnswer(ctx: EscalationContext, id: string, by: Actor): Promise<ExpertAnswer> {
  const current = await getExpertAnswer(ctx.pool, id);
  if (!current) throw missing('not_found', `没有编号为 ${id} 的专家答复`);
  if (current.retiredAt) return current;
  if (current.documentId) await ctx.knowledge.store.delete(current.documentId);
  const now = ctx.now();
  const { rows } = await ctx.pool.query(
    `UPDATE expert_answers SET retired_at = $2, document_id = NULL, updated_at = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, now],
  );
  await addEvent(ctx.pool, { ticketId: current.ticketId, kind: 'kb_retired', actor: by, at: now });
  return toAnswer(rows[0]);
}
