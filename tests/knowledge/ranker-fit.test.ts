import { describe, expect, it } from 'vitest';
import { fitRankWeights, rankQuality, type RankingExample } from '../../src/knowledge/ranker-fit.ts';
import { RANK_FEATURES, RANKER, WEIGHTS, weighted, type RankFeatures } from '../../src/knowledge/scoring.ts';

const zero = (): RankFeatures => Object.fromEntries(RANK_FEATURES.map((f) => [f, 0])) as RankFeatures;
const f = (over: Partial<RankFeatures>): RankFeatures => ({ ...zero(), ...over });

// Right answers have more bigram coverage; wrong ones more word coverage.
function examples(): RankingExample[] {
  return Array.from({ length: 20 }, (_, i) => ({
    features: [f({ bigramCoverage: 0.8, coverage: 0.3 }), f({ bigramCoverage: 0.2, coverage: 0.5 + (i % 3) * 0.1 }), f({ bigramCoverage: 0.1, coverage: 0.2 })],
    documents: ['a', 'b', 'c'],
    right: [true, false, false],
  }));
}

describe('ranker weights', () => {
  it('ranker.json weighs every feature the score has', () => {
    for (const k of RANK_FEATURES) expect(typeof RANKER.weights[k]).toBe('number');
    expect(RANKER.fitted.every((k) => RANK_FEATURES.includes(k))).toBe(true);
  });

  it('the score is the weighted sum of its features', () => {
    expect(weighted(f({ bm25: 1, cosine: 0.5 }))).toBeCloseTo(WEIGHTS.bm25 + 0.5 * WEIGHTS.cosine);
    expect(weighted(f({ coverage: 1 }), f({ coverage: 2 }))).toBe(2);
  });
});

describe('fitRankWeights', () => {
  it('moves weight to the feature that separates the right candidate, and leaves unfitted weights alone', () => {
    const start = f({ coverage: 1, bigramCoverage: 0, titleMatch: 0.5 });
    expect(rankQuality(examples(), start).recallAt1).toBe(0);
    const w = fitRankWeights(examples(), start, { fitted: ['coverage', 'bigramCoverage'], iterations: 500, learningRate: 0.2 });
    expect(w.bigramCoverage).toBeGreaterThan(0);
    expect(w.titleMatch).toBe(0.5);
    expect(rankQuality(examples(), w).recallAt1).toBe(1);
  });

  it('skips questions whose answer is not among the candidates', () => {
    const lost: RankingExample = { features: [f({ coverage: 1 })], documents: ['x'], right: [false] };
    const start = f({ coverage: 1 });
    const w = fitRankWeights([lost], start, { fitted: ['coverage'], iterations: 50 });
    expect(w.coverage).toBe(1);
    expect(rankQuality([lost], start)).toEqual({ recallAt1: 0, mrr: 0 });
  });
});

describe('rankQuality', () => {
  it('ranks documents by their best chunk, not chunks', () => {
    // document b has two chunks above a's one: a ranks second among documents, not third
    const e: RankingExample = { features: [f({ coverage: 0.9 }), f({ coverage: 0.8 }), f({ coverage: 0.5 })], documents: ['b', 'b', 'a'], right: [false, false, true] };
    expect(rankQuality([e], f({ coverage: 1 }))).toEqual({ recallAt1: 0, mrr: 0.5 });
  });
});
