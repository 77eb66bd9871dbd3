import { describe, expect, it } from 'vitest';
import { answerKindsOf, answers, answersAnyOf, speciesMatch } from '../../src/knowledge/answer-type.ts';

describe('what a question asks for', () => {
  it.each([
    ['什么是测土配方施肥', 'definition'],
    ['益农信息社是啥', 'definition'],
    ['六有有哪些', 'list'],
    ['信息员分哪几类', 'list'],
    ['麦子叶子发黄为什么', 'cause'],
    ['西红柿长灰毛烂果咋回事', 'cause'],
    ['小麦条锈病怎么治', 'treatment'],
    ['鱼浮头了咋办', 'treatment'],
    ['大豆啥时候种', 'timing'],
    ['一亩用多少尿素', 'amount'],
  ])('%s → %s', (q, kind) => {
    expect(answerKindsOf(q)).toContain(kind);
  });

  it('reads "是啥病" as a diagnosis, not a definition', () => {
    expect(answerKindsOf('鱼身上长白点是啥病')).not.toContain('definition');
  });

  it('says nothing when the question names no kind', () => {
    expect(answerKindsOf('小麦条锈病')).toEqual([]);
    expect(answersAnyOf([], 'anything')).toBeNull();
  });
});

describe('whether a passage holds the asked kind', () => {
  it('wants a definition, not a mention, for 什么是', () => {
    expect(answers('definition', '测土配方施肥是指以土壤测试和肥料田间试验为基础，提出施肥建议。')).toBe(true);
    expect(answers('definition', '小麦底肥每亩施复合肥40公斤，采用测土配方施肥。')).toBe(false);
  });

  it('wants an enumeration for a list', () => {
    expect(answers('list', '六有：有场所、有人员、有设备、有网络、有网页、有持续运营能力。')).toBe(true);
    expect(answers('list', '信息员要熟悉电脑操作。')).toBe(false);
  });

  it('wants an amount with its unit for 多少', () => {
    expect(answers('amount', '每亩撒生石灰75到100公斤。')).toBe(true);
    expect(answers('amount', '保温箱温度30℃左右'.normalize('NFKC').toLowerCase())).toBe(true);
    expect(answers('amount', '生石灰要撒匀，撒后7天放水。'.replace(/\d+天/, ''))).toBe(false);
  });

  it('wants a time for 啥时候', () => {
    expect(answers('timing', '鲁西南小麦适宜播期为10月5日到15日。')).toBe(true);
    expect(answers('timing', '选用抗病品种。')).toBe(false);
  });
});

describe('whether the passage is about the asked crop or animal', () => {
  const known = ['玉米', '大豆', '小麦'];
  const aliases = (w: string) => (w === '玉米' ? ['苞米', '棒子'] : []);
  it('fails a soybean passage for a maize question', () => {
    expect(speciesMatch(['玉米'], '大豆田封闭除草用乙草胺', known, aliases)).toBe(false);
  });
  it('passes a passage naming the crop by another name', () => {
    expect(speciesMatch(['玉米'], '苞米出苗后用烟嘧磺隆', known, aliases)).toBe(true);
  });
  it('leaves a general passage open', () => {
    expect(speciesMatch(['玉米'], '打药要穿长衣长裤，戴口罩', known, aliases)).toBeNull();
    expect(speciesMatch([], '大豆田封闭除草', known, aliases)).toBeNull();
  });
  it('fails a heading about another kind of animal that no commodity names ("鱼病" for a pig question)', () => {
    const animals = ['生猪', '草鱼'];
    const names = (w: string) => (w === '生猪' ? ['猪'] : []);
    const heading = '常见鱼病防治与渔药安全\n鱼的寄生虫病';
    expect(speciesMatch(['生猪'], `${heading}\n小瓜虫病：体表布满白色小点`, animals, names, heading)).toBe(false);
    // a place name holding the character is no animal: 鱼台 rice for a pig question stays open
    expect(speciesMatch(['生猪'], '鱼台稻区\n插秧', animals, names, '鱼台稻区')).toBeNull();
    // a crop asked: animal headings say nothing about it
    expect(speciesMatch(['玉米'], '鸡的饲养\n喂料', known, aliases, '鸡的饲养')).toBeNull();
  });
  it('reads a one-character name of another animal in the headings only', () => {
    const animals = ['生猪', '草鱼'];
    const names = (w: string) => (w === '生猪' ? ['猪'] : w === '草鱼' ? ['鱼'] : []);
    const fishPassage = '常见鱼病防治\n寄生虫病\n小瓜虫病：体表布满白色小点';
    expect(speciesMatch(['生猪'], fishPassage, animals, names, '常见鱼病防治\n寄生虫病')).toBe(false);
    // in running text a one-character name sits inside other words ("鱼台县"): no verdict from it
    expect(speciesMatch(['生猪'], '鱼台县的稻田里要驱虫', animals, names, '驱虫')).toBeNull();
  });
});
