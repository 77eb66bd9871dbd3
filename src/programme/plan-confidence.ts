// How likely a plan-fact answer is right: a logistic model over readable features of the match (how much of
// the question the fact's key words cover, how close the nearest ask is, the margin to the next fact, …),
// fitted on the tuning sets' programme questions by `npm run programme:fit` (src/cli/programme-fit.ts) and
// stored beside this file in plan-confidence.json with the operating threshold it chose.
import { createRequire } from 'node:module';
import type { PlanFactMatch } from './plan-facts.ts';
import { planFactPicks } from './plan-facts.ts';
import { predict, type LogisticModel } from '../knowledge/logistic.ts';

export const PLAN_FEATURES = [
  'keyScore', 'similarity', 'margin', 'candidates', 'coverage', 'uncovered', 'planSubject', 'twoFacts', 'asksFigure', 'figureFact',
  'answerBigrams', 'answerChars',
] as const;

export interface PlanCalibration {
  model: LogisticModel;
  /** the lowest probability answered: below it the question is handed over or asked again */
  threshold: number;
  /** what the fit saw, for the reader: samples, positives, precision at the threshold (cross-validated) */
  fitted?: Record<string, unknown>;
}

const calibration = createRequire(import.meta.url)('./plan-confidence.json') as PlanCalibration;
export const PLAN_CALIBRATION: PlanCalibration = calibration;

/** Question-form characters and particles: they say how something is asked, not what. */
const FORM = /[哪啥什么谁几咋怎多少些样吗呢的了是有要个不没啊呀吧俺咱我们这那就都还也能会得给跟和与在]/g;
/** Asks for a figure: a plan fact without one cannot answer it. */
const FIGURE = /多少|几个|几家|几处|百分|几成|比例|%|占/;
/** A fact that states figures (a count, a share, a date). */
const HAS_FIGURE = /\d/;

/** The question's content characters: Han letters and digits, question words and particles aside. */
function content(question: string): string {
  return question.replace(/[^\p{Script=Han}\p{L}\p{N}]/gu, '').replace(FORM, '');
}

/**
 * The features of answering `question` with its best matches, in PLAN_FEATURES order. `planSubject` says
 * whether the question names anything the plan is about (益农社, 方案, 信息员, …).
 */
export function planFeatures(matches: readonly PlanFactMatch[], question: string, planSubject: boolean): number[] {
  const [best, next] = matches;
  if (!best) return PLAN_FEATURES.map(() => 0);
  const picks = planFactPicks(matches);
  const text = content(question);
  const covered = new Set<number>();
  for (const w of picks.flatMap((m) => m.matched)) {
    const word = w.replace(/[^\p{Script=Han}\p{L}\p{N}]/gu, '');
    if (!word) continue;
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) for (let k = 0; k < word.length; k++) covered.add(at + k);
  }
  const coverage = text.length ? covered.size / text.length : 0;
  const margin = Math.min(4, best.score - (next?.score ?? 0));
  // The answer quotes the plan: a right one holds the question's own words, not only the key that matched.
  const answer = picks.map((m) => m.fact.answer).join('');
  const grams = new Set<string>();
  for (let i = 0; i + 1 < text.length; i++) grams.add(text.slice(i, i + 2));
  const answerBigrams = grams.size ? [...grams].filter((g) => answer.includes(g)).length / grams.size : 0;
  const answerChars = text.length ? [...text].filter((c) => answer.includes(c)).length / text.length : 0;
  return [
    best.keyScore, best.similarity, margin, Math.log1p(matches.length), coverage, Math.max(0, text.length - covered.size) / 10,
    planSubject ? 1 : 0, picks.length > 1 ? 1 : 0, FIGURE.test(question) ? 1 : 0,
    FIGURE.test(question) && !picks.some((m) => HAS_FIGURE.test(m.fact.answer)) ? 1 : 0,
    answerBigrams, answerChars,
  ];
}

/** The probability that answering with the best matches is right (0 without a match). */
export function matchConfidence(matches: readonly PlanFactMatch[], question = '', planSubject = true, calibrationUsed = PLAN_CALIBRATION): number {
  if (!matches.length) return 0;
  if (calibrationUsed.model.features.join() !== PLAN_FEATURES.join()) {
    throw new Error('plan-confidence.json was fitted on other features than plan-confidence.ts computes: run `npm run programme:fit`');
  }
  return +predict(calibrationUsed.model, planFeatures(matches, question, planSubject)).toFixed(3);
}
