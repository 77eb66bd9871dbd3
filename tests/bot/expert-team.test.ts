import { beforeAll, describe, expect, it } from 'vitest';
import type { Intent } from '../../src/bot/intents.ts';
import { loadSlotLexicon, type SlotLexicon } from '../../src/bot/lexicon.ts';
import { expertCategory as categoryWith } from '../../src/bot/expert-team.ts';

let lexicon: SlotLexicon;
beforeAll(async () => { lexicon = await loadSlotLexicon('seeds'); });
const expertCategory = (intent: Intent, hits: [], asked: string) => categoryWith(intent, hits, asked, lexicon);

describe('the expert team a handover goes to', () => {
  it('sends policy and station questions to the policy team, whatever crop or animal they name', () => {
    expect(expertCategory('policy', [], '养猪贷款咋申请')).toBe('政策');
    expect(expertCategory('policy', [], '盖大棚占耕地犯法不')).toBe('政策');
    expect(expertCategory('programme', [], '信息员一个月给多少钱')).toBe('政策');
    expect(expertCategory('service', [], '帮俺代购两袋化肥 多少钱')).toBe('政策');
  });

  it('sends a farming question the classifier put on the policy side to the team its subject names', () => {
    expect(expertCategory('programme', [], '专家给开的打药方子 俺照着打就完了吧')).toBe('植保');
    expect(expertCategory('programme', [], '什么是发情周期')).toBe('畜牧');
    expect(expertCategory('service', [], '猪身上有寄生虫咋办')).toBe('兽医');
  });

  it('keeps market questions with the market team and reads place names as no subject', () => {
    expect(expertCategory('price', [], '猪价多少')).toBe('市场');
    expect(expertCategory('agronomy', [], '鱼台县的稻子倒伏了咋办')).toBe('粮食作物');
    expect(expertCategory('agronomy', [], '这个咋弄')).toBe('经济作物');
  });

  it('finds the team through the lexicon: colloquial names, and a short word inside a longer name is not read', () => {
    expect(expertCategory('agronomy', [], '苞米叶子卷起来了')).toBe('粮食作物');
    expect(expertCategory('agronomy', [], '马铃薯咋储存')).toBe('粮食作物');
    expect(expertCategory('agronomy', [], '豆角开花少')).toBe('蔬菜');
    expect(expertCategory('agronomy', [], '山楂树咋修剪')).toBe('果树');
    expect(expertCategory('agronomy', [], '棉花打顶啥时候')).toBe('经济作物');
    expect(expertCategory('agronomy', [], '小龙虾不吃食了')).toBe('水产');
    expect(expertCategory('agronomy', [], '牛不反刍肚子胀')).toBe('兽医');
  });
});
