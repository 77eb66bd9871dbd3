// The 2019 plan's facts in plain words (seeds/data/plan-facts.jsonl): its lists, timeline, operating and
// funding model, procurement, sites, experts, the 五级 sharing, the document itself. Each fact names the
// words a question must contain (`keys`, every group must match) and the paraphrases its author expected
// (`asks`), which rank the facts whose keys all match.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { answersFocus, explainsAskedTerm, namesAskedDoing, namesSubjects, planFocus } from './focus.ts';

export interface PlanFact {
  id: string;
  /** regex alternations; a question matches the fact only when every one of them occurs in it */
  keys: RegExp[];
  /** questions this fact answers, in the words the author expects */
  asks: string[];
  answer: string;
}

export interface PlanFactMatch {
  fact: PlanFact;
  /** how well the question matches: key words found (characters) plus the similarity to the nearest ask */
  score: number;
  /** the question's words the keys found */
  matched: string[];
  /** the key words' share of the score: characters covered, capped at 8 */
  keyScore: number;
  /** Dice similarity of the question's character bigrams to the nearest ask, 0..1 */
  similarity: number;
}

interface RawFact { id?: unknown; keys?: unknown; asks?: unknown; answer?: unknown }

/** Parse the JSONL table; a bad line is an error naming the line, never a fact silently dropped. */
export function parsePlanFacts(text: string, file = 'plan-facts.jsonl'): PlanFact[] {
  const facts: PlanFact[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${file} 第${i + 1}行`;
    let raw: RawFact;
    try {
      raw = JSON.parse(line) as RawFact;
    } catch (err) {
      throw new Error(`${where}不是合法的 JSON`, { cause: err });
    }
    const strings = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.trim() !== '');
    if (typeof raw.id !== 'string' || !raw.id) throw new Error(`${where}缺少 id`);
    if (ids.has(raw.id)) throw new Error(`${where}的 id ${raw.id} 重复`);
    if (!strings(raw.keys)) throw new Error(`${where}（${raw.id}）的 keys 必须是非空的字符串列表`);
    if (!strings(raw.asks)) throw new Error(`${where}（${raw.id}）的 asks 必须是非空的字符串列表`);
    if (typeof raw.answer !== 'string' || !raw.answer.trim()) throw new Error(`${where}（${raw.id}）缺少 answer`);
    let keys: RegExp[];
    try {
      keys = (raw.keys as string[]).map((k) => new RegExp(longestFirst(k), 'gi'));
    } catch (err) {
      throw new Error(`${where}（${raw.id}）的 keys 里有写错的正则`, { cause: err });
    }
    ids.add(raw.id);
    facts.push({ id: raw.id, keys, asks: raw.asks as string[], answer: raw.answer });
  });
  return facts;
}

export async function loadPlanFacts(seedsDir: string): Promise<PlanFact[]> {
  const file = path.join(seedsDir, 'data', 'plan-facts.jsonl');
  return parsePlanFacts(await readFile(file, 'utf8'), 'seeds/data/plan-facts.jsonl');
}

/**
 * A key's alternatives, longest first: a regex alternation takes the first alternative that matches, so
 * "发给|发给谁" would only ever see 发给 and the longer, more specific wording would score nothing extra.
 */
export function longestFirst(key: string): string {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) { parts.push(key.slice(start, i)); start = i + 1; }
  }
  parts.push(key.slice(start));
  const literalLength = (alt: string) => alt.replace(/\\.|\[[^\]]*\]|\{\d*,?\d*\}|[()*+?^$.]/g, '').length;
  return parts.map((alt, i) => ({ alt, i })).sort((a, b) => literalLength(b.alt) - literalLength(a.alt) || a.i - b.i).map((p) => p.alt).join('|');
}

/** Question-form characters: 哪些地方 says little about which fact is asked, 专家 says a lot. */
const QUESTION_FORM = /[哪啥什么谁几咋怎多少些样吗呢]/g;

function bigrams(text: string): Set<string> {
  const t = text.replace(/[^\p{Script=Han}\p{L}\p{N}]/gu, '').toLowerCase();
  const out = new Set<string>();
  for (let i = 0; i + 1 < t.length; i++) out.add(t.slice(i, i + 2));
  return out;
}

function dice(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const g of a) if (b.has(g)) shared++;
  return (2 * shared) / (a.size + b.size);
}

/** Characters of the question a key group covers (its distinct matches, question words aside), 0 when it does not occur. */
function covered(key: RegExp, text: string, found: Set<string>): number {
  for (const m of text.matchAll(key)) if (m[0]) found.add(m[0]);
  // a key made only of question words still counts as found, but never outweighs a topic word
  return [...found].reduce((n, s) => n + Math.max(s.replace(QUESTION_FORM, '').length, 0.5), 0);
}

/**
 * The facts whose every key group occurs in the question, best first. The score adds the characters the
 * keys cover (a longer, more specific key wins: 运营主体 over 运营; question words such as 哪些 count for
 * little) to twice the similarity to the nearest ask. A fact whose answer holds nothing of what the question
 * asks for (money, a figure, a date: src/programme/focus.ts), or nothing of the actor or service it names
 * (信息员, 专家, 提现), is no match.
 */
export function matchPlanFacts(facts: readonly PlanFact[], question: string): PlanFactMatch[] {
  const q = bigrams(question);
  const focus = planFocus(question);
  const out: PlanFactMatch[] = [];
  for (const fact of facts) {
    // the fact must hold what is asked (money, a figure), not only name the subject
    if (!answersFocus(fact.answer, focus) || !namesSubjects(fact.answer, question) || !explainsAskedTerm(fact.answer, question)
      || !namesAskedDoing(fact.answer, question)) continue;
    let keyScore = 0;
    let all = true;
    const matched = new Set<string>();
    for (const key of fact.keys) {
      const found = new Set<string>();
      const n = covered(key, question, found);
      if (!n) { all = false; break; }
      keyScore += n;
      for (const f of found) matched.add(f);
    }
    if (!all) continue;
    const similarity = Math.max(...fact.asks.map((a) => dice(q, bigrams(a))));
    out.push({ fact, score: Math.min(keyScore, 8) + 2 * similarity, matched: [...matched], keyScore: Math.min(keyScore, 8), similarity });
  }
  return out.sort((a, b) => b.score - a.score || a.fact.id.localeCompare(b.fact.id));
}

/**
 * The facts that answer a question about the plan: the best one, and a second one when the question asks two
 * things ("通知发给谁了，功能区有份没"): a match nearly as strong whose words are none of the first one's.
 */
export function planFactPicks(matches: readonly PlanFactMatch[]): PlanFactMatch[] {
  const [best, ...rest] = matches;
  if (!best) return [];
  const overlaps = (a: string, b: string) => a.includes(b) || b.includes(a);
  const second = rest.find((m) => m.score >= Math.max(2.5, 0.6 * best.score)
    && m.matched.every((w) => !best.matched.some((b) => overlaps(w, b))));
  return second ? [best, second] : [best];
}

/** The answer to a question about the plan: the picked facts' answers, one per line. */
export function planFactAnswer(matches: readonly PlanFactMatch[]): string | undefined {
  const picks = planFactPicks(matches);
  return picks.length ? picks.map((m) => m.fact.answer).join('\n') : undefined;
}
