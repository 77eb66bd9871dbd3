/**
 * The intent classifier's errors on the held-out sets (eval/heldout/, written by someone who never saw our
 * rules or training questions), with the intent each set implies:
 *   npm run eval:intents -- [--half tune|judge|all] [--verbose]
 * programme questions → programme; knowledge questions (in-kb agronomy, out-of-kb, off-topic, borderline) →
 * a knowledge intent (agronomy, policy or other: the knowledge skill answers, hands over or says out of
 * scope); in-kb questions whose passage is in the service or programme FAQ → service or programme.
 * Emergencies are left out (a rule answers them before any classifier). --verbose (tune half only) lists the misses.
 */
import path from 'node:path';
import { normalizeText } from '../bot/normalize.ts';
import { decided, predict } from '../bot/intent-model.ts';
import { loadIntentModel } from '../bot/intent-model-file.ts';
import { heldoutArgs, heldoutItems, loadFeaturizer } from './examples.ts';

const values = heldoutArgs('npm run eval:intents -- [--dir eval/heldout] [--half tune|judge|all] [--verbose]');
const half = values.half;

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
const [model, featurize] = await Promise.all([loadIntentModel(SEEDS), loadFeaturizer(SEEDS)]);
const bySet: Record<string, { n: number; right: number }> = {};
let n = 0;
let right = 0;
for (const set of ['in-kb', 'out-of-kb', 'programme', 'off-topic', 'borderline']) {
  for (const item of await heldoutItems<{ question: string; expect_doc?: string }>(values.dir, set, half, { missing: 'empty' })) {
    const want = expected(set, item);
    if (!want) continue;
    const q = normalizeText(item.question);
    const p = predict(model, featurize(q));
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
