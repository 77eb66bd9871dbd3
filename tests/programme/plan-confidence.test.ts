import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadPlanFacts, matchConfidence, matchPlanFacts, type PlanFact } from '../../src/programme/index.ts';

const SEEDS = path.join(import.meta.dirname, '..', '..', 'seeds');
let facts: PlanFact[];
beforeAll(async () => {
  facts = await loadPlanFacts(SEEDS);
});

describe('a plan fact answer is as sure as its match', () => {
  it('is sure of a question that names the fact plainly', () => {
    expect(matchConfidence(matchPlanFacts(facts, '六有标准是哪六有'))).toBeGreaterThanOrEqual(0.9);
  });

  it('is unsure of a match on one common character that no ask resembles', () => {
    expect(matchConfidence(matchPlanFacts(facts, '玉米种多少钱一亩'))).toBeLessThan(0.7);
  });

  it('is nothing without a match', () => {
    expect(matchConfidence([])).toBe(0);
  });
});
