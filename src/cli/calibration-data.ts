/**
 * Labelled questions for the confidence calibrator and its report: each is a question, the passage the
 * retriever puts first, the calibrator's features of that passage, and whether that passage answers it.
 * Used by `npm run calibrate` (fitting, on tune data only) and by the eval commands (measuring).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { Database } from '../db/pool.ts';
import type { Knowledge } from '../knowledge/index.ts';
import type { SearchHit } from '../knowledge/retriever.ts';
import { featureVector } from '../knowledge/confidence.ts';
import { normalizeText } from '../bot/normalize.ts';
import { detectEmergency } from '../bot/emergency.ts';

export interface Sample {
  /** where the question comes from (dev, dev-removed, heldout-in-kb, heldout-out-of-kb, dialogues …) */
  set: string;
  /** the calibrated probability the passage answers, as the shipped model says */
  p: number;
  /** the passage answers the question */
  right: boolean;
  /** the question's answer is in the knowledge base */
  known: boolean;
  /** the answer-type or subject check the passage fails (the skill then does not answer from it) */
  failed?: string;
  /** the calibrator's features; absent when nothing was retrieved */
  features?: number[];
  question?: string;
  /** the first passage's document title and heading */
  passage?: string;
}

export interface Pair {
  id: string;
  question: string;
  answer: string;
}

export function sampleOf(set: string, hit: SearchHit | undefined, right: boolean, known: boolean, question?: string): Sample {
  if (!hit) return { set, p: 0, right: false, known, question };
  const passage = [hit.title, ...hit.headingPath].join(' › ');
  return { set, p: hit.confidence, right, known, failed: hit.failed, features: featureVector(hit.checks), question, passage };
}

/** A fixed split of a pair file: held back when the first byte of the SHA-256 of its id is odd. */
export function pairSplitOf(id: string): 'tune' | 'held' {
  return createHash('sha256').update(id).digest()[0] % 2 === 1 ? 'held' : 'tune';
}

export async function readPairs(file: string): Promise<Pair[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const o = JSON.parse(l) as Partial<Pair>;
      if (!o.question || !o.answer) throw new Error(`${file} line ${i + 1}: needs question and answer`);
      return { id: o.id ?? String(i + 1), question: o.question, answer: o.answer };
    });
}

/** Every answer a document with a neutral title: the question must never be in the document meant to find it. */
export async function ingestPairs(kb: Knowledge, pairs: Pair[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const [i, p] of pairs.entries()) {
    const r = await kb.store.upsert({ sourceKey: `eval:${p.id}`, title: `资料 ${i + 1}`, category: 'faq', format: 'markdown', content: p.answer });
    ids.set(p.id, r.id);
  }
  return ids;
}

/**
 * The negatives: every other pair's answer removed from the knowledge base, then its question asked. Whatever
 * comes first cannot be the answer.
 */
export async function removedAnswerSamples(kb: Knowledge, pairs: Pair[], docIds: Map<string, string>): Promise<Sample[]> {
  const removed = pairs.filter((_, i) => i % 2 === 1);
  for (const p of removed) await kb.store.delete(docIds.get(p.id)!);
  const out: Sample[] = [];
  for (const p of removed) {
    const [top] = await kb.retriever.search(p.question, { limit: 1 });
    out.push(sampleOf('dev-removed', top, false, false, p.question));
  }
  return out;
}

export interface HeldoutItem {
  question: string;
  expect_doc?: string;
  expect_facts?: string[];
}

/** Passage text as a reader sees it: title, headings and content. */
function passageText(hit: SearchHit): string {
  return [hit.title, ...hit.headingPath, hit.content].join('\n');
}

/** Right when the first passage holds every expected fact (or, when none are listed, is the expected document). */
export async function heldoutSamples(kb: Knowledge, db: Database, inKb: HeldoutItem[], outOfKb: HeldoutItem[]): Promise<Sample[]> {
  const { rows } = await db.pool.query<{ id: string; source_key: string }>('SELECT id, source_key FROM kb_documents');
  const sourceOf = new Map(rows.map((r) => [String(r.id), r.source_key]));
  const out: Sample[] = [];
  for (const item of inKb) {
    const [top] = await kb.retriever.search(item.question, { limit: 1 });
    const facts = item.expect_facts ?? [];
    const right = Boolean(top) && (facts.length
      ? facts.every((f) => passageText(top).includes(f))
      : Boolean(item.expect_doc && (sourceOf.get(top.documentId) ?? '').startsWith(item.expect_doc)));
    out.push(sampleOf('heldout-in-kb', top, right, true, item.question));
  }
  for (const item of outOfKb) {
    const [top] = await kb.retriever.search(item.question, { limit: 1 });
    out.push(sampleOf('heldout-out-of-kb', top, false, false, item.question));
  }
  return out;
}

interface DialogueTurn {
  say: string;
  as?: string;
  intent?: string | string[];
  escalated?: boolean;
  contains?: string[];
  containsAny?: string[];
  notContains?: string[];
  cites?: string;
}

/**
 * The dialogue suite's knowledge questions: first turns of dialogues expecting intent agronomy, and those of
 * year.yaml (a farmer's year of knowledge questions, which names no intent). Emergencies are left out; known
 * gaps are kept, since what they expect is still the right behaviour. One expected to be escalated is a
 * negative; one expected to be answered is right when the first passage carries the facts the dialogue expects.
 */
export async function dialogueSamples(kb: Knowledge, dir: string): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
    const dialogues = parse(await readFile(path.join(dir, file), 'utf8')) as { turns: DialogueTurn[] }[];
    for (const d of dialogues) {
      const turn = d.turns[0];
      const knowledgeQuestion = [turn?.intent].flat().includes('agronomy') || (file === 'year.yaml' && !turn?.intent);
      if (!turn || turn.as || !knowledgeQuestion) continue;
      if (turn.escalated === undefined && !turn.notContains) continue;
      // an emergency is answered with its safety steps and escalated at once, before any passage is read
      if (detectEmergency(normalizeText(turn.say))) continue;
      // the text as the agent reads it (traditional characters folded, full-width forms normalised)
      const [top] = await kb.retriever.search(normalizeText(turn.say), { limit: 1 });
      const text = top ? passageText(top) : '';
      // a passage holding what the dialogue forbids ("小瓜虫" for a pig's parasites) is a wrong answer,
      // whether the dialogue expects an answer or leaves it open
      const forbidden = Boolean(top) && (turn.notContains ?? []).some((f) => text.includes(f));
      if (turn.escalated === undefined) {
        if (forbidden) out.push(sampleOf('dialogues', top, false, false, turn.say));
        continue;
      }
      const right = !turn.escalated && Boolean(top) && !forbidden
        && (turn.contains ?? []).every((f) => text.includes(f))
        && (!turn.containsAny || turn.containsAny.some((f) => text.includes(f)))
        && (!turn.cites || top.title.includes(turn.cites));
      out.push(sampleOf('dialogues', top, right, !turn.escalated, turn.say));
    }
  }
  return out;
}
