/**
 * Refit the intent classifier from the repository's data and write seeds/intents/model.json:
 *   npm run intents:fit
 * Deterministic: the same data gives the same file. Smoothing and temperature are chosen by 5-fold
 * cross-validation on the training questions (accuracy, then log loss); the held-out sets are not read.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadSlotLexicon } from '../bot/lexicon.ts';
import { normalizeText } from '../bot/normalize.ts';
import { extractSlots } from '../bot/slots.ts';
import { features, fitNaiveBayes, predict, type Example, type IntentModel } from '../bot/intent-model.ts';
import { loadTokenizer } from '../knowledge/index.ts';
import { trainingQuestions } from './intent-training.ts';

const ROOT = process.cwd();
const SEEDS = path.join(ROOT, 'seeds');
/** slots are read as of a fixed day, so that "明天" gives the same features on every refit */
const DAY = new Date('2026-11-28T04:00:00Z');

const [questions, lexicon, tokenizer] = await Promise.all([trainingQuestions(ROOT), loadSlotLexicon(SEEDS), loadTokenizer(SEEDS)]);
const seen = new Set<string>();
const examples: Example[] = [];
for (const q of questions) {
  const text = normalizeText(q.text);
  const key = `${q.intent}\t${text}`;
  if (!text || seen.has(key)) continue;
  seen.add(key);
  examples.push({ intent: q.intent, features: features(text, tokenizer.cut(text), extractSlots(text, lexicon, DAY)) });
}

function crossValidate(alpha: number, temperature: number): { accuracy: number; logLoss: number } {
  let right = 0;
  let loss = 0;
  for (let fold = 0; fold < 5; fold++) {
    const model = fitNaiveBayes(examples.filter((_, i) => i % 5 !== fold), alpha, temperature);
    for (const [i, e] of examples.entries()) {
      if (i % 5 !== fold) continue;
      const p = predict(model, e.features);
      if (p.intent === e.intent) right++;
      loss -= Math.log(Math.max(1e-6, p.ranked.find((r) => r.intent === e.intent)?.probability ?? 0));
    }
  }
  return { accuracy: right / examples.length, logLoss: loss / examples.length };
}

let best = { alpha: 1, accuracy: -1 };
for (const alpha of [0.05, 0.1, 0.2, 0.5, 1]) {
  const { accuracy } = crossValidate(alpha, 1);
  if (accuracy > best.accuracy) best = { alpha, accuracy };
}
let temperature = { t: 1, logLoss: Infinity };
for (const t of [1, 1.5, 2, 3, 4, 6, 8, 12, 16]) {
  const { logLoss } = crossValidate(best.alpha, t);
  if (logLoss < temperature.logLoss) temperature = { t, logLoss };
}
const model: IntentModel = fitNaiveBayes(examples, best.alpha, temperature.t);
// counts are sums of 1 and 0.3: one decimal keeps them exact and the file small
for (const row of Object.values(model.counts)) row.forEach((v, k) => (row[k] = Math.round(v * 10) / 10));
model.totals = model.totals.map((v) => Math.round(v * 10) / 10);
model.logPrior = model.logPrior.map((v) => Math.round(v * 1e6) / 1e6);
const out = path.join(SEEDS, 'intents', 'model.json');
await writeFile(out, `${JSON.stringify(model)}\n`);
const perClass = Object.fromEntries(model.classes.map((c) => [c, examples.filter((e) => e.intent === c).length]));
console.log(JSON.stringify({
  wrote: path.relative(ROOT, out), examples: examples.length, perClass, features: Object.keys(model.counts).length,
  alpha: best.alpha, temperature: temperature.t, crossValidated: { accuracy: +best.accuracy.toFixed(3), logLoss: +temperature.logLoss.toFixed(3) },
}, null, 2));
