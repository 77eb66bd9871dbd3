/**
 * Refit the intent classifier from the repository's data and write seeds/intents/model.json:
 *   npm run intents:fit
 * Deterministic: the same data gives the same file. Smoothing and temperature are chosen by 5-fold
 * cross-validation on the training questions (accuracy, then log loss); the held-out sets are not read.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { IntentModel } from '../bot/intent-model.ts';
import { labelledExamples, loadFeaturizer } from './examples.ts';
import { fitCrossValidated } from './nb-fit.ts';
import { trainingQuestions } from './intent-training.ts';

const ROOT = process.cwd();
const SEEDS = path.join(ROOT, 'seeds');

const [questions, featurize] = await Promise.all([trainingQuestions(ROOT), loadFeaturizer(SEEDS)]);
// The same words may train two intents (a heading under two categories): once per intent.
const examples = labelledExamples(questions.map((q) => ({ label: q.intent, text: q.text })), featurize, 'label');

const fitted = fitCrossValidated(examples);
const model: IntentModel = fitted.model;
const out = path.join(SEEDS, 'intents', 'model.json');
await writeFile(out, `${JSON.stringify(model)}\n`);
const perClass = Object.fromEntries(model.classes.map((c) => [c, examples.filter((e) => e.intent === c).length]));
console.log(JSON.stringify({
  wrote: path.relative(ROOT, out), examples: examples.length, perClass, features: Object.keys(model.counts).length,
  alpha: fitted.alpha, temperature: fitted.temperature, crossValidated: { accuracy: +fitted.accuracy.toFixed(3), logLoss: +fitted.logLoss.toFixed(3) },
}, null, 2));
