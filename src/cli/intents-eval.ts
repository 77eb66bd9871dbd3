/**
 * The intent classifier's errors on the held-out sets (eval/heldout/, written by someone who never saw our
 * rules or training questions), with the intent each set implies:
 *   npm run eval:intents -- [--half tune|judge|all] [--verbose]
 * programme questions → programme; knowledge questions (in-kb agronomy, out-of-kb, off-topic, borderline) →
 * a knowledge intent (agronomy, policy or other: the knowledge skill answers, hands over or says out of
 * scope); in-kb questions whose passage is in the service or programme FAQ → service or programme.
 * Emergencies are left out (a rule answers them before any classifier). --verbose (tune half only) lists the misses.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSlotLexicon } from '../bot/lexicon.ts';
import { normalizeText } from '../bot/normalize.ts';
import { extractSlots } from '../bot/slots.ts';
import { decided, features, predict } from '../bot/intent-model.ts';
import { loadIntentModel } from '../bot/intent-model-file.ts';
import { loadTokenizer } from '../knowledge/index.ts';
import { splitOf } from './heldout-split.ts';

const { values } = parseArgs({
  options: { half: { type: 'string', default: 'judge' }, verbose: { type: 'boolean', default: false }, dir: { type: 'string', default: 'eval/heldout' } },
});
const half = values.half as 'tune' | 'judge' | 'all';
if (!['tune', 'judge', 'all'].includes(half) || (values.verbose && half !== 'tune')) {
  console.error('用法: npm run eval:intents -- [--half tune|judge|all] [--verbose]（--verbose 只能和 --half tune 一起用）');
  process.exit(2);
}

const KNOWLEDGE = ['agronomy', 'policy', 'other'];
function expected(set: string, item: { expect_doc?: string }): string[] | null {
  if (set === 'programme') return ['programme'];
  if (set !== 'in-kb') return KNOWLEDGE;
  const doc = item.expect_doc ?? '';
  if (/^faq\/faq\./.test(doc)) return null; // the general FAQ mixes commands and services
  if (/programme|training/.test(doc)) return ['programme', 'service'];
  if (/service/.test(doc)) return ['service', 'programme'];
  return KNOWLEDGE;
}

const SEEDS = path.resolve('seeds');
const DAY = new Date('2026-11-28T04:00:00Z');
const [model, lexicon, tokenizer] = await Promise.all([loadIntentModel(SEEDS), loadSlotLexicon(SEEDS), loadTokenizer(SEEDS)]);
const bySet: Record<string, { n: number; right: number }> = {};
let n = 0;
let right = 0;
for (const set of ['in-kb', 'out-of-kb', 'programme', 'off-topic', 'borderline']) {
  const text = await readFile(path.join(values.dir!, `${set}.jsonl`), 'utf8');
  for (const line of text.split('\n').filter((l) => l.trim())) {
    const item = JSON.parse(line) as { question: string; expect_doc?: string };
    if (half !== 'all' && splitOf(item.question) !== half) continue;
    const want = expected(set, item);
    if (!want) continue;
    const q = normalizeText(item.question);
    const p = predict(model, features(q, tokenizer.cut(q), extractSlots(q, lexicon, DAY)));
    const ok = want.includes(decided(p));
    (bySet[set] ??= { n: 0, right: 0 }).n++;
    n++;
    if (ok) { bySet[set].right++; right++; }
    else if (values.verbose) console.log(`✗ ${set} ${item.question} → ${decided(p)} (${p.intent} ${p.probability.toFixed(2)}) (want ${want.join('|')})`);
  }
}
const rate = (a: number, b: number) => (b ? +(a / b).toFixed(3) : null);
console.log(JSON.stringify({
  half, questions: n, accuracy: rate(right, n),
  bySet: Object.fromEntries(Object.entries(bySet).map(([k, v]) => [k, { ...v, accuracy: rate(v.right, v.n) }])),
}, null, 2));
