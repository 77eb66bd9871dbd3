import { describe, expect, it } from 'vitest';
import { fitLogistic, predict } from '../../src/knowledge/logistic.ts';
import { CALIBRATION, FEATURES, failedCheck, featureVector, probability, type ConfidenceSignals } from '../../src/knowledge/confidence.ts';
import { calibrationReport, reliability, thresholdFor } from '../../src/cli/calibration-report.ts';
import type { Sample } from '../../src/cli/calibration-data.ts';
import { loadConfig } from '../../src/config.ts';
import { bigramShare } from '../../src/knowledge/passage-signals.ts';

describe('passage signals', () => {
  it('reads the share of the question\'s bigrams in a heading or a Q&A pair\'s own question', () => {
    // "蒜地能用氯化钾不" asked as "种蒜底肥能上氯化钾不": 氯化 and 化钾 are in the pair's question
    expect(bigramShare(['种蒜', '底肥', '氯化', '化钾'], '蒜地能用氯化钾不？')).toBe(0.5);
    expect(bigramShare([], '任何标题')).toBe(0);
  });
});

describe('L2 logistic regression', () => {
  // one informative feature, one noise feature; labels follow the first with some overlap
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 200; i++) {
    const x = (i % 20) / 19;
    rows.push([x, (i * 7919) % 13]);
    labels.push(x + ((i * 31) % 10) / 25 > 0.7 ? 1 : 0);
  }

  it('learns that the informative feature raises the probability', () => {
    const m = fitLogistic(['x', 'noise'], rows, labels, 1);
    expect(m.weights[0]).toBeGreaterThan(1);
    expect(Math.abs(m.weights[1])).toBeLessThan(Math.abs(m.weights[0]) / 4);
    expect(predict(m, [1, 6])).toBeGreaterThan(0.9);
    expect(predict(m, [0, 6])).toBeLessThan(0.1);
  });

  it('gives the same weights on every run', () => {
    expect(fitLogistic(['x', 'noise'], rows, labels, 1)).toEqual(fitLogistic(['x', 'noise'], rows, labels, 1));
  });

  it('shrinks weights as the penalty grows', () => {
    expect(Math.abs(fitLogistic(['x', 'noise'], rows, labels, 100).weights[0])).toBeLessThan(fitLogistic(['x', 'noise'], rows, labels, 0.1).weights[0]);
  });

  it('refuses rows of the wrong width with a message saying which', () => {
    expect(() => fitLogistic(['x', 'noise'], [[1]], [1])).toThrow(/2 values/);
  });
});

const strong: ConfidenceSignals = {
  score: 1.4, margin: 0.9, coverage: 1, bigramCoverage: 1, headingCoverage: 1, titleMatch: 1, cosine: 0.5, bm25: 0.9,
  subjectNamed: true, domainSubjectMissing: false, speciesMatch: true, kindMatch: true, reviewed: false, qa: true, terms: 4,
  contentCoverage: 1, subjectInHeading: true, missingSpecific: 0, unknownToKb: 0, knownCoverage: 1, knownMissing: 0,
  headingBigram: 0.8, sectionCoverage: 1,
};
const weak: ConfidenceSignals = {
  ...strong, score: 0.3, margin: 0, coverage: 0.3, bigramCoverage: 0.1, headingCoverage: 0, titleMatch: 0, cosine: 0.1, bm25: 0.1,
  subjectNamed: false, speciesMatch: false, qa: false, contentCoverage: 0.2, subjectInHeading: false, missingSpecific: 1, unknownToKb: 0.4,
  knownCoverage: 0.2, knownMissing: 3, headingBigram: 0, sectionCoverage: 0,
};

describe('the shipped calibration', () => {
  it('is fitted on the features confidence.ts computes', () => {
    expect(CALIBRATION.model.features).toEqual([...FEATURES]);
    expect(featureVector(strong)).toHaveLength(FEATURES.length);
  });

  it('rates a passage that covers the question above one that shares a word', () => {
    expect(probability(strong)).toBeGreaterThan(0.9);
    expect(probability(weak)).toBeLessThan(0.2);
  });

  it('is ANSWER_THRESHOLD by default', () => {
    expect(loadConfig({ LOG_LEVEL: 'silent' }).ANSWER_THRESHOLD).toBe(CALIBRATION.threshold);
    expect(CALIBRATION.threshold).toBe(CALIBRATION.precisionThreshold);
  });

  it('names the check a passage fails', () => {
    expect(failedCheck(strong)).toBeUndefined();
    expect(failedCheck({ ...strong, qa: false, kindMatch: false })).toBe('answer_kind');
    expect(failedCheck({ ...strong, speciesMatch: false })).toBe('species');
    expect(failedCheck({ ...strong, domainSubjectMissing: true })).toBe('subject');
    // a curated pair asked in its own words answers its own question
    expect(failedCheck({ ...strong, kindMatch: false })).toBeUndefined();
  });
});

describe('the calibration report', () => {
  const features = [0];
  const s = (p: number, right: boolean, known = true): Sample => ({ set: 't', p, right, known, features });
  const samples = [s(0.95, true), s(0.92, true), s(0.85, true), s(0.8, false), s(0.3, false, false), s(0.2, true), s(0.1, false, false)];

  it('bins predictions and measures the calibration error', () => {
    const { table, ece } = reliability([s(0.95, true), s(0.95, false), s(0.15, false), s(0.15, false)]);
    expect(table).toEqual([
      { bin: '0.1-0.2', n: 2, predicted: 0.15, observed: 0 },
      { bin: '0.9-1.0', n: 2, predicted: 0.95, observed: 0.5 },
    ]);
    expect(ece).toBeCloseTo(0.5 * 0.15 + 0.5 * 0.45, 3);
  });

  it('finds the lowest threshold reaching the wanted precision', () => {
    expect(thresholdFor(samples, 0.95)).toBeCloseTo(0.81, 2);
  });

  it('reports the operating point, and never answers from a passage that failed a check', () => {
    const report = calibrationReport([...samples, { ...s(0.99, false), failed: 'species' }], 0.5);
    expect(report.operatingPoint).toMatchObject({ precisionOfAnswers: 0.75, inKbAnsweredRight: 0.5, outOfKbEscalated: 1, answered: 4 });
    expect(report.precisionCoverage.find((r) => r.threshold === 0.9)).toMatchObject({ precision: 1 });
  });
});
