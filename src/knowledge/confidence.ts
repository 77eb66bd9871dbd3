import { createRequire } from 'node:module';
import { predict, type LogisticModel } from './logistic.ts';
import type { SupportSignals } from './support.ts';
import type { PassageSignals } from './passage-signals.ts';

// Read through require, not an import attribute: the build copies the JSON beside the compiled file,
// and the attribute does not survive the build (dist failed to start with ERR_IMPORT_ASSERTION_TYPE_MISSING).
const calibration = createRequire(import.meta.url)('./calibration.json') as typeof import('./calibration.json');

/**
 * The probability that a passage answers the question, from signals a person can read, by the logistic
 * model that `npm run calibrate` fits on labelled questions (src/cli/calibrate.ts) and writes to
 * calibration.json beside this file. This, not the raw retrieval score, is a reply's `confidence`.
 */
export interface ConfidenceSignals extends SupportSignals, PassageSignals {
  /** the retriever's ranking score, uncapped */
  score: number;
  /** how far this passage's score is above the next other document's */
  margin: number;
  coverage: number;
  bigramCoverage: number;
  headingCoverage: number;
  titleMatch: number;
  cosine: number;
  bm25: number;
  /** the question's most specific word appears in the passage */
  subjectNamed: boolean;
  /** the question names a disease or pest of our dictionary and the passage does not (only a longer namesake) */
  domainSubjectMissing: boolean;
  /** the crop or animal asked is the passage's (null: the question or the passage names none) */
  speciesMatch: boolean | null;
  /** the passage holds the kind of answer asked (null: the question asks for no kind in particular) */
  kindMatch: boolean | null;
  reviewed: boolean;
  qa: boolean;
  /** how many distinct words the question has */
  terms: number;
}

export const FEATURES = [
  'score', 'margin', 'coverage', 'bigramCoverage', 'headingCoverage', 'titleMatch', 'cosine', 'logBm25',
  'subjectMissing', 'domainSubjectMissing', 'speciesMismatch', 'kindAsked', 'kindMissing', 'reviewed', 'qa', 'logTerms',
  'faqMatch', 'contentCoverage', 'subjectInHeading', 'missingSpecific', 'unknownToKb', 'speciesNamed', 'kindHeld',
  'knownCoverage', 'knownMissing', 'headingBigram', 'sectionCoverage',
] as const;

/** A curated Q&A pair whose own question is nearly the asked one: its answer was written for this question. */
const FAQ_MATCH = 0.6;

export function featureVector(s: ConfidenceSignals): number[] {
  return [
    s.score, s.margin, s.coverage, s.bigramCoverage, s.headingCoverage, s.titleMatch, s.cosine, Math.log1p(Math.max(0, s.bm25)),
    s.subjectNamed ? 0 : 1, s.domainSubjectMissing ? 1 : 0, s.speciesMatch === false ? 1 : 0, s.kindMatch === null ? 0 : 1,
    s.kindMatch === false ? 1 : 0, s.reviewed ? 1 : 0, s.qa ? 1 : 0, Math.log1p(s.terms),
    isFaqMatch(s) ? 1 : 0, s.contentCoverage, s.subjectInHeading ? 1 : 0, s.missingSpecific, s.unknownToKb,
    s.speciesMatch === true ? 1 : 0, s.kindMatch === true ? 1 : 0, s.knownCoverage, Math.min(3, s.knownMissing),
    s.headingBigram, s.sectionCoverage,
  ];
}

function isFaqMatch(s: ConfidenceSignals): boolean {
  return s.qa && s.titleMatch >= FAQ_MATCH;
}

export interface Calibration {
  model: LogisticModel;
  /** the operating point: answer when the probability is at least this (ANSWER_THRESHOLD's default) */
  threshold: number;
  /** the lowest threshold whose answers reach precision 0.95 on the tune data (out of fold) */
  precisionThreshold: number;
  /** what the model was fitted on, for the reader */
  fittedOn: Record<string, number>;
}

export const CALIBRATION: Calibration = calibration;

export function probability(s: ConfidenceSignals, cal: Calibration = CALIBRATION): number {
  if (cal.model.features.join() !== FEATURES.join()) {
    throw new Error('calibration.json was fitted on other features than confidence.ts computes: run `npm run calibrate`');
  }
  return predict(cal.model, featureVector(s));
}

/**
 * The check a passage fails, if any: it must hold the asked kind of answer, be about the asked crop or
 * animal, and name the asked disease itself (not only its longer namesake, 非洲猪瘟 for 猪瘟).
 */
export function failedCheck(s: ConfidenceSignals): 'answer_kind' | 'species' | 'subject' | undefined {
  // a curated pair whose own question is the asked one answers it by construction, whatever its wording
  if (s.kindMatch === false && !isFaqMatch(s)) return 'answer_kind';
  if (s.speciesMatch === false) return 'species';
  if (s.domainSubjectMissing) return 'subject';
  return undefined;
}
