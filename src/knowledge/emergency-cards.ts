import type { Queryable } from '../db/pool.ts';
import { PAST_REVIEW_SQL } from './review.ts';

/**
 * Emergency cards: reviewed safety steps for the few situations where a farmer must act before any expert
 * can answer. A card is a markdown document with `emergency: <kind>` in its front matter; ingestion keeps
 * the kind as the tag `emergency:<kind>`.
 */
export const EMERGENCY_KINDS = ['fish-hypoxia', 'pesticide-poisoning', 'animal-disease', 'lightning-flood', 'dead-animals', 'gas-poisoning'] as const;
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

/** A document that is an emergency card: its kind and text, in one read; undefined for any other document. */
export async function emergencyCardOf(q: Queryable, documentId: string): Promise<{ kind: EmergencyKind; content: string } | undefined> {
  const { rows } = await q.query<{ tags: string[] | null; content: string }>(
    `SELECT tags, content FROM kb_documents WHERE id = $1 AND EXISTS (SELECT 1 FROM unnest(tags) t WHERE t LIKE 'emergency:%')`,
    [documentId],
  );
  const kind = rows[0]?.tags?.find((t) => t.startsWith('emergency:'))?.slice('emergency:'.length);
  return rows[0] && isEmergencyKind(kind) ? { kind, content: rows[0].content } : undefined;
}

export interface CardSection {
  heading: string;
  /** the section as written, its heading line included */
  text: string;
}

/** A card's sections, split at its headings (text before the first heading is a section of its own). */
export function cardSections(content: string): CardSection[] {
  const sections: CardSection[] = [];
  for (const part of content.split(/\n(?=#{1,6}\s)/)) {
    const text = part.trim();
    if (!text) continue;
    const heading = /^#{1,6}\s+(.*)/.exec(text)?.[1]?.trim() ?? '';
    sections.push({ heading, text });
  }
  return sections;
}

/** A heading that says what to do first: "第一步打120", "鱼浮头了先做什么", "不移动、不出售、马上报告", "先保人". */
const FIRST_STEPS = /第一步|先做|先干|先保|先救|急救|马上|立即|立刻|赶紧|赶快/;

/**
 * A card's sections with its first steps first: the sections whose heading says what to do first, in the
 * card's order, then the rest; with `about`, the sections whose heading it matches lead. It is read from the headings, not from which section a search ranked first,
 * so an answer from the card opens with the safety steps whatever the question shared words with.
 */
export function stepsFirst(content: string, about?: RegExp): CardSection[] {
  const sections = cardSections(content);
  const steps = sections.filter((s) => FIRST_STEPS.test(s.heading));
  const ordered = [...steps, ...sections.filter((s) => !steps.includes(s))];
  if (!about) return ordered;
  // What the message is about leads: a flooded field reads the flood's steps before the lightning's. Among
  // those sections, and among the rest, first steps still come first.
  const topical = ordered.filter((s) => about.test(s.heading));
  return [...topical, ...ordered.filter((s) => !topical.includes(s))];
}

/** The card's first-steps section: the first whose heading says what to do first, else the card's first. */
export function firstSteps(content: string, about?: RegExp): CardSection | undefined {
  return stepsFirst(content, about)[0];
}
