import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import {
  loadPlanFacts, matchConfidence, matchPlanFacts, PLAN_CALIBRATION, PLAN_FEATURES, planFeatures, type PlanCalibration, type PlanFact,
} from '../../src/programme/index.ts';

const SEEDS = path.join(import.meta.dirname, '..', '..', 'seeds');
let facts: PlanFact[];
beforeAll(async () => {
  facts = await loadPlanFacts(SEEDS);
});
const feature = (question: string, name: (typeof PLAN_FEATURES)[number]) =>
  planFeatures(matchPlanFacts(facts, question), question, true)[PLAN_FEATURES.indexOf(name)];

describe('a plan fact answer is as sure as its match', () => {
  it('answers a question that names the fact plainly', () => {
    const q = '六有标准是哪六有';
    expect(matchConfidence(matchPlanFacts(facts, q), q)).toBeGreaterThanOrEqual(PLAN_CALIBRATION.threshold);
  });

  it('is unsure of a match on one common character that no ask resembles', () => {
    const q = '玉米种多少钱一亩';
    expect(matchConfidence(matchPlanFacts(facts, q), q, false)).toBeLessThan(PLAN_CALIBRATION.threshold);
  });

  it('is nothing without a match', () => {
    expect(matchConfidence([])).toBe(0);
  });

  it('is a probability that grows with the match: a close ask beats a bare key', () => {
    const close = '政府购买服务有哪些方式';
    const bare = '俺想问问采购的事';
    expect(matchConfidence(matchPlanFacts(facts, close), close)).toBeGreaterThan(matchConfidence(matchPlanFacts(facts, bare), bare));
  });

  it('refuses a model fitted on other features', () => {
    const stale: PlanCalibration = { ...PLAN_CALIBRATION, model: { ...PLAN_CALIBRATION.model, features: ['score'] } };
    expect(() => matchConfidence(matchPlanFacts(facts, '六有是哪六有'), '六有是哪六有', true, stale)).toThrow(/programme:fit/);
  });

  it('was fitted with a threshold between 0 and 1 on the features it computes', () => {
    expect(PLAN_CALIBRATION.model.features).toEqual([...PLAN_FEATURES]);
    expect(PLAN_CALIBRATION.threshold).toBeGreaterThan(0);
    expect(PLAN_CALIBRATION.threshold).toBeLessThan(1);
  });
});

describe('the features are readable', () => {
  it('the margin is the lead over the next fact, capped', () => {
    expect(feature('六有标准是哪六有', 'margin')).toBeGreaterThan(0);
    expect(feature('六有标准是哪六有', 'margin')).toBeLessThanOrEqual(4);
  });

  it('coverage is the share of the question the matched key words cover', () => {
    expect(feature('运营主体', 'coverage')).toBe(1);
    expect(feature('俺村里那个运营主体到底是咋选出来的呀', 'coverage')).toBeLessThan(1);
  });

  it('a figure asked of a fact without figures is marked', () => {
    expect(feature('六有是哪六有', 'figureFact')).toBe(0);
    expect(feature('建管体制有几条', 'asksFigure')).toBe(0);
    expect(feature('政府购买服务有多少种方式', 'figureFact')).toBe(1);
  });

  it('the answer holding the question\'s own words is measured on the answer, which quotes the plan', () => {
    expect(feature('政府购买服务可以用单一来源采购吗', 'answerBigrams')).toBeGreaterThan(0.5);
  });
});
