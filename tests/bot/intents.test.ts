import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/bot/intents.ts';
import { checkModel, features, fitNaiveBayes, predict, type IntentModel } from '../../src/bot/intent-model.ts';
import { loadIntentModel } from '../../src/bot/intent-model-file.ts';
import { loadSlotLexicon, type SlotLexicon } from '../../src/bot/lexicon.ts';
import { extractSlots } from '../../src/bot/slots.ts';
import { loadTokenizer } from '../../src/knowledge/index.ts';
import type { ChineseTokenizer } from '../../src/knowledge/tokenizer.ts';

const SEEDS = path.join(import.meta.dirname, '..', '..', 'seeds');
let model: IntentModel;
let lexicon: SlotLexicon;
let tokenizer: ChineseTokenizer;
beforeAll(async () => {
  [model, lexicon, tokenizer] = await Promise.all([loadIntentModel(SEEDS), loadSlotLexicon(SEEDS), loadTokenizer(SEEDS)]);
}, 60_000);

const intentOf = (text: string) => classify(text, extractSlots(text, lexicon, new Date('2026-11-28T04:00:00Z')), tokenizer.cut(text), model);

describe('the shipped intent classifier', () => {
  it('is not fooled by one character: 寄 in 寄生虫, 收 in 收割', () => {
    expect(intentOf('猪身上有寄生虫咋办').intent).toBe('agronomy');
    expect(intentOf('收割小麦要注意啥').intent).toBe('agronomy');
    expect(intentOf('信息社能寄快递吗').intent).toBe('service');
    expect(intentOf('谁收玉米').intent).toBe('supply');
  });

  it('farming that names an expert is farming; the station named as subject is the station’s, not agronomy', () => {
    expect(intentOf('专家说的药量能加倍不').intent).toBe('agronomy');
    expect(intentOf('农技专家推荐的除草剂照着打行吧').intent).toBe('agronomy');
    expect(['service', 'programme']).toContain(intentOf('信息社能卖化肥吗').intent);
    expect(['service', 'programme']).toContain(intentOf('益农社能查市场价格不').intent);
  });

  it('a disease question that mentions a seller is no listing; "方案有没有提" asks the plan', () => {
    expect(['supply', 'labor']).not.toContain(intentOf('猪瘟疫苗能打不 集上有人卖').intent);
    expect(intentOf('方案有没有讲咋帮闲劳力找活').intent).toBe('programme');
    expect(intentOf('谁家有猪卖').intent).toBe('supply');
  });

  it('sends the plan’s questions to the programme skill, with a probability', () => {
    for (const q of ['方案说用几年建完', '兖州区2020年建议新增多少APP下载量', '曲阜市有多少个村', '方案是哪天发的']) {
      const guess = intentOf(q);
      expect(guess.intent, q).toBe('programme');
      expect(guess.certainty).toBeGreaterThan(0.35);
      expect(guess.certainty).toBeLessThanOrEqual(1);
    }
  });

  it('leaves what is no skill’s to the knowledge skill (it says out of scope or hands over)', () => {
    expect(intentOf('今天股票能涨吗').intent).toBe('agronomy');
    expect(intentOf('aaaaaaaaaaaaaaaaaaaa').intent).toBe('agronomy');
  });
});

describe('complement naive Bayes', () => {
  const example = (intent: string, text: string) => ({ intent, features: features(text, [], {}) });
  const data = [example('price', '大蒜多少钱'), example('price', '玉米啥价'), example('labor', '有招工的吗'), example('labor', '找活干')];

  it('fits the same model from the same data and gives probabilities that sum to one', () => {
    const a = fitNaiveBayes(data, 0.5, 2);
    expect(JSON.stringify(fitNaiveBayes(data, 0.5, 2))).toBe(JSON.stringify(a));
    const p = predict(a, features('蒜啥价', [], {}));
    expect(p.intent).toBe('price');
    expect(p.ranked.reduce((n, r) => n + r.probability, 0)).toBeCloseTo(1, 9);
  });

  it('caps a repeated n-gram and counts slots', () => {
    const f = features('aaaaaa', [], { county: '金乡县' });
    expect(f.get('b:aa')).toBe(2);
    expect(f.get('#county')).toBe(1);
  });

  it('refuses a broken model file with a message that says how to rebuild it', () => {
    expect(() => checkModel({ version: 1, classes: ['a'] }, 'model.json')).toThrow(/npm run intents:fit/);
  });
});
