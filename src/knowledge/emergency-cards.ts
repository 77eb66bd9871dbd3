import type { Queryable } from '../db/pool.ts';
import { PAST_REVIEW_SQL } from './review.ts';

/**
 * Emergency cards: reviewed safety steps for the few situations where a farmer must act before any expert
 * can answer. A card is a markdown document with `emergency: <kind>` in its front matter; ingestion keeps
 * the kind as the tag `emergency:<kind>`.
 */
export const EMERGENCY_KINDS = ['fish-hypoxia', 'pesticide-poisoning', 'animal-disease', 'lightning-flood', 'dead-animals'] as const;
export type EmergencyKind = (typeof EMERGENCY_KINDS)[number];

export function isEmergencyKind(value: unknown): value is EmergencyKind {
  return typeof value === 'string' && (EMERGENCY_KINDS as readonly string[]).includes(value);
}

export function emergencyTag(kind: EmergencyKind): string {
  return `emergency:${kind}`;
}

export interface EmergencyCard {
  documentId: string;
  title: string;
  source: string | null;
  content: string;
  /** The card's reviewBy date has passed. */
  pastReview: boolean;
}

/** The card for a kind; the reviewed and most recently updated one when there are several. */
export async function findEmergencyCard(q: Queryable, kind: EmergencyKind): Promise<EmergencyCard | undefined> {
  const { rows } = await q.query<{ id: string; title: string; source: string | null; content: string; past_review: boolean }>(
    `SELECT d.id, d.title, d.source, d.content, ${PAST_REVIEW_SQL} AS past_review FROM kb_documents d
      WHERE $1 = ANY(d.tags)
      ORDER BY d.reviewed DESC, d.updated_at DESC, d.id
      LIMIT 1`,
    [emergencyTag(kind)],
  );
  const r = rows[0];
  return r
    ? { documentId: String(r.id), title: r.title, source: r.source, content: r.content, pastReview: r.past_review }
    : undefined;
}
