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
import { features, type Example, type IntentModel } from '../bot/intent-model.ts';
import { fitCrossValidated } from './nb-fit.ts';
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

const fitted = fitCrossValidated(examples);
const model: IntentModel = fitted.model;
const out = path.join(SEEDS, 'intents', 'model.json');
await writeFile(out, `${JSON.stringify(model)}\n`);
const perClass = Object.fromEntries(model.classes.map((c) => [c, examples.filter((e) => e.intent === c).length]));
console.log(JSON.stringify({
  wrote: path.relative(ROOT, out), examples: examples.length, perClass, features: Object.keys(model.counts).length,
  alpha: fitted.alpha, temperature: fitted.temperature, crossValidated: { accuracy: +fitted.accuracy.toFixed(3), logLoss: +fitted.logLoss.toFixed(3) },
}, null, 2));
