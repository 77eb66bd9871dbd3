// The intent classifier's training questions, gathered from the repository's own data: the FAQ questions
// and knowledge headings (by their category), the plan's fact paraphrases, the hand-written examples
// (seeds/intents/examples.tsv) and the first turn of each dialogue of the suite (tests/dialogues, the
// tune-able turns: a later turn's intent depends on the conversation, not on its words).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import matter from 'gray-matter';
import { parse } from 'yaml';
import { readJsonl } from './examples.ts';

export interface LabelledQuestion {
  intent: string;
  text: string;
  source: string;
}

/** Knowledge and FAQ categories → the intent whose skill answers them (faq: mixed, left out). */
const CATEGORY_INTENT: Record<string, string> = {
  agronomy: 'agronomy', livestock: 'agronomy', aquaculture: 'agronomy', policy: 'policy',
  programme: 'programme', training: 'programme', service: 'service', market: 'price', labor: 'labor',
};
/** Intents decided by rules before the classifier (greetings, 转人工). */
const NOT_CLASSIFIED = new Set(['smalltalk', 'handoff']);
/** A dialogue's `unknown` turn is the classifier's `other`: no skill of its own, the knowledge skill decides. */
const DIALOGUE_CLASS: Record<string, string> = { unknown: 'other' };

async function files(dir: string, ext: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith(ext)).map((e) => path.join(e.parentPath, e.name)).sort();
}

export async function trainingQuestions(root: string): Promise<LabelledQuestion[]> {
  const out: LabelledQuestion[] = [];
  const seeds = path.join(root, 'seeds');
  for (const file of await files(path.join(seeds, 'faq'), '.jsonl')) {
    for (const row of await readJsonl<{ question: string; category: string }>(file)) {
      const intent = CATEGORY_INTENT[row.category];
      if (intent) out.push({ intent, text: row.question, source: path.relative(root, file) });
    }
  }
  for (const file of await files(path.join(seeds, 'knowledge'), '.md')) {
    const doc = matter(await readFile(file, 'utf8'));
    const intent = CATEGORY_INTENT[String(doc.data.category)];
    if (!intent) continue;
    const source = path.relative(root, file);
    if (doc.data.title) out.push({ intent, text: String(doc.data.title), source });
    for (const m of doc.content.matchAll(/^##+\s+(.+)$/gm)) out.push({ intent, text: m[1].trim(), source });
  }
  for (const fact of await readJsonl<{ asks: string[] }>(path.join(seeds, 'data', 'plan-facts.jsonl'))) {
    for (const ask of fact.asks) out.push({ intent: 'programme', text: ask, source: 'seeds/data/plan-facts.jsonl' });
  }
  const examples = await readFile(path.join(seeds, 'intents', 'examples.tsv'), 'utf8');
  for (const line of examples.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [intent, text] = line.split('\t');
    if (intent && text) out.push({ intent: intent.trim(), text: text.trim(), source: 'seeds/intents/examples.tsv' });
  }
  for (const file of await files(path.join(root, 'tests', 'dialogues'), '.yaml')) {
    const dialogues = (parse(await readFile(file, 'utf8')) ?? []) as { turns?: { say?: string; intent?: string | string[] }[] }[];
    for (const d of dialogues) {
      const first = d.turns?.[0];
      const intent = Array.isArray(first?.intent) ? first.intent[0] : first?.intent;
      if (first?.say && intent && !NOT_CLASSIFIED.has(intent)) out.push({ intent: DIALOGUE_CLASS[intent] ?? intent, text: first.say, source: path.relative(root, file) });
    }
  }
  return out;
}
