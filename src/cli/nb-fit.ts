// Fitting a complement naive Bayes model with its smoothing and temperature chosen by 5-fold cross-validation
// (accuracy first, then log loss): shared by the intent classifier and the emergency detector's refits.
import { fitNaiveBayes, predict, type Example, type IntentModel } from '../bot/intent-model.ts';

export interface CrossValidated {
  model: IntentModel;
  alpha: number;
  temperature: number;
  accuracy: number;
  logLoss: number;
  /** every example's probabilities when its own fold was left out (for choosing thresholds honestly) */
  outOfFold: { intent: string; ranked: { intent: string; probability: number }[] }[];
}

const FOLDS = 5;

function crossValidate(examples: readonly Example[], alpha: number, temperature: number) {
  let right = 0;
  let loss = 0;
  const outOfFold: CrossValidated['outOfFold'] = new Array(examples.length);
  for (let fold = 0; fold < FOLDS; fold++) {
    const model = fitNaiveBayes(examples.filter((_, i) => i % FOLDS !== fold), alpha, temperature);
    for (const [i, e] of examples.entries()) {
      if (i % FOLDS !== fold) continue;
      const p = predict(model, e.features);
      if (p.intent === e.intent) right++;
      loss -= Math.log(Math.max(1e-6, p.ranked.find((r) => r.intent === e.intent)?.probability ?? 0));
      outOfFold[i] = { intent: e.intent, ranked: p.ranked };
    }
  }
  return { accuracy: right / examples.length, logLoss: loss / examples.length, outOfFold };
}

/** Deterministic: the same examples in the same order give the same model. */
export function fitCrossValidated(examples: readonly Example[]): CrossValidated {
  if (examples.length < FOLDS * 2) throw new Error(`只有 ${examples.length} 条训练样本，至少要 ${FOLDS * 2} 条才能交叉验证`);
  let best = { alpha: 1, accuracy: -1 };
  for (const alpha of [0.05, 0.1, 0.2, 0.5, 1]) {
    const { accuracy } = crossValidate(examples, alpha, 1);
    if (accuracy > best.accuracy) best = { alpha, accuracy };
  }
  let chosen = { temperature: 1, ...crossValidate(examples, best.alpha, 1) };
  for (const temperature of [1.5, 2, 3, 4, 6, 8, 12, 16]) {
    const run = crossValidate(examples, best.alpha, temperature);
    if (run.logLoss < chosen.logLoss) chosen = { temperature, ...run };
  }
  const model = rounded(fitNaiveBayes(examples, best.alpha, chosen.temperature));
  return { model, alpha: best.alpha, temperature: chosen.temperature, accuracy: best.accuracy, logLoss: chosen.logLoss, outOfFold: chosen.outOfFold };
}

/** Counts are sums of 1 and 0.3: one decimal keeps them exact and the file small. */
function rounded(model: IntentModel): IntentModel {
  for (const row of Object.values(model.counts)) row.forEach((v, k) => (row[k] = Math.round(v * 10) / 10));
  model.totals = model.totals.map((v) => Math.round(v * 10) / 10);
  model.logPrior = model.logPrior.map((v) => Math.round(v * 1e6) / 1e6);
  return model;
}
