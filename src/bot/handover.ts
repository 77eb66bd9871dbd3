import type { Escalation } from './skill.ts';
import { fill, type Templates } from './templates.ts';

/** Passages shown beside a handover only when they share the question's substance (retrieval score). */
export const RELATED_FLOOR = 0.3;
const RELATED_MAX = 2;
const SNIPPET_CHARS = 60;

/**
 * The handover text: the question has gone to an expert. Related passages, when there are any worth
 * reading, follow it under a heading that says plainly they may not answer the question, so the farmer
 * never takes them for the answer.
 */
export function handoverText(templates: Templates, escalation: Escalation, wait: string): string {
  const text = fill(templates, 'escalated', { team: escalation.category, wait });
  const related = escalation.passages.filter((p) => p.score >= RELATED_FLOOR).slice(0, RELATED_MAX);
  if (!related.length) return text;
  const lines = related.map((p, i) => `${i + 1}.《${p.title}》${short(p.snippet)}`);
  return `${text}\n\n${fill(templates, 'related_heading')}\n${lines.join('\n')}`;
}

function short(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length <= SNIPPET_CHARS ? flat : `${flat.slice(0, SNIPPET_CHARS)}…`;
}
