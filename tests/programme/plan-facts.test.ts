import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countyCells, loadPlanFacts, matchPlanFacts, measuresAsked, parsePlanFacts, periodsAsked, planFactAnswer } from '../../src/programme/index.ts';
import { longestFirst } from '../../src/programme/plan-facts.ts';
import type { CountyTargets } from '../../src/data/county-targets.ts';

const SEEDS = path.join(import.meta.dirname, '..', '..', 'seeds');

describe('the plan-facts table', () => {
  it('every fact is found by the paraphrases written for it', async () => {
    const facts = await loadPlanFacts(SEEDS);
    expect(facts.length).toBeGreaterThan(30);
    for (const fact of facts) {
      for (const ask of fact.asks) expect(matchPlanFacts(facts, ask)[0]?.fact.id, ask).toBe(fact.id);
    }
  });

  it('names the line of a broken row instead of dropping it', () => {
    const good = '{"id":"a","keys":["六有"],"asks":["六有是啥"],"answer":"有场所"}';
    expect(() => parsePlanFacts(`${good}\n{"id":"b"`)).toThrow(/第2行不是合法的 JSON/);
    expect(() => parsePlanFacts(`${good}\n${good}`)).toThrow(/id a 重复/);
    expect(() => parsePlanFacts('{"id":"c","keys":["("],"asks":["x"],"answer":"y"}')).toThrow(/写错的正则/);
    expect(() => parsePlanFacts('{"id":"d","keys":[],"asks":["x"],"answer":"y"}')).toThrow(/keys 必须是非空/);
  });

  it('scores the longest wording a key has, and a topic word above a question form', () => {
    const key = longestFirst('发给|发给谁|(上|下)半年|运营商.{0,6}(管|干)').split('|');
    expect(key.indexOf('发给谁')).toBeLessThan(key.indexOf('发给'));
    expect(new RegExp(longestFirst('发给|发给谁')).exec('文件发给谁了')?.[0]).toBe('发给谁');
    const facts = parsePlanFacts([
      '{"id":"sites","keys":["哪些地方|在哪建"],"asks":["信息社建在哪"],"answer":"依托村委会、小卖部"}',
      '{"id":"experts","keys":["专家"],"asks":["专家团队有谁"],"answer":"市县两级专家和土专家"}',
    ].join('\n'));
    expect(matchPlanFacts(facts, '专家从哪些地方请')[0].fact.id).toBe('experts');
  });

  it('answers both halves of a two-part question, and only one for a single question', () => {
    const facts = parsePlanFacts([
      '{"id":"recipients","keys":["发给|发给谁"],"asks":["通知发给谁"],"answer":"发给各县农业农村局"}',
      '{"id":"zones","keys":["功能区|高新区"],"asks":["功能区的村算哪里"],"answer":"功能区的村算原来的县"}',
    ].join('\n'));
    const both = planFactAnswer(matchPlanFacts(facts, '文件发给谁了 高新区的村咋算'))?.split('\n');
    expect(both?.sort()).toEqual(['功能区的村算原来的县', '发给各县农业农村局'].sort());
    expect(planFactAnswer(matchPlanFacts(facts, '这个通知发给谁'))).toBe('发给各县农业农村局');
    expect(planFactAnswer(matchPlanFacts(facts, '今天天气咋样'))).toBeUndefined();
  });

  it('answers a question only when every key group occurs in it', () => {
    const facts = parsePlanFacts('{"id":"goal","keys":["工程|方案","目标"],"asks":["工程的目标"],"answer":"…"}');
    expect(matchPlanFacts(facts, '这个工程的目标是啥')).toHaveLength(1);
    expect(matchPlanFacts(facts, '今年的目标是啥')).toHaveLength(0);
  });
});

const YANZHOU: CountyTargets = {
  county: '兖州区', villages: 497, totalStations: 497, totalAppDownloads: 66500,
  periods: [
    { period: '2019H1', ends: '2019-06-30', stationsTarget: 199, appDownloadsTarget: 13300, stationsCumulative: 199, appDownloadsCumulative: 13300 },
    { period: '2019H2', ends: '2019-12-31', stationsTarget: 199, appDownloadsTarget: 26600, stationsCumulative: 398, appDownloadsCumulative: 39900 },
    { period: '2020', ends: '2020-12-31', stationsTarget: 99, appDownloadsTarget: 26600, stationsCumulative: 497, appDownloadsCumulative: 66500 },
  ],
};

describe('附件1 cells', () => {
  it('建议新增…下载量 asks for downloads, not stations', () => {
    expect(measuresAsked('兖州区2020年建议新增多少APP下载量')).toEqual(['downloads']);
    const text = countyCells(YANZHOU, '兖州区2020年建议新增多少APP下载量');
    expect(text).toContain('2020年建议新增APP下载量2.66万');
    expect(text).not.toContain('99个益农信息社');
  });

  it('reads 19年, 上半年 alone and 第二阶段', () => {
    const periods = ['2019H1', '2019H2', '2020'];
    expect(periodsAsked('19年下半年建几个', periods).periods).toEqual(['2019H2']);
    expect(periodsAsked('上半年建几个', periods).periods).toEqual(['2019H1']);
    expect(periodsAsked('第二阶段建几个', periods).periods).toEqual(['2019H2']);
  });

  it('says a period the table does not have, and shows what it has, never a guess', () => {
    const later = countyCells(YANZHOU, '兖州区2021年要建多少个信息社');
    expect(later).toContain('没有“2021年”这一项');
    expect(later).toContain('2019年上半年199个益农信息社');
    expect(later).toContain('2020年99个益农信息社');
    const half = countyCells(YANZHOU, '兖州区2020年上半年建几个社');
    expect(half).toContain('2020年不分上下半年');
    expect(half).toContain('2020年99个益农信息社');
    expect(countyCells(YANZHOU, '兖州区明年建几个社')).toContain('没有“明年”这一项');
  });

  it('gives the cumulative coverage share as the plan says it, and the whole row when no measure is named', () => {
    expect(countyCells(YANZHOU, '兖州2019年上半年占全区村数多少')).toContain('约40%（40.04%）');
    const row = countyCells(YANZHOU, '兖州区的情况');
    expect(row).toContain('497个行政村');
    expect(row).toContain('建议APP下载量1.33万');
    expect(row).toContain('累计建497个，覆盖全部行政村的100%');
    expect(countyCells(YANZHOU, '兖州区有多少个村')).toBe('兖州区有497个行政村（村民委员会，2017年底统计）。');
  });
});

describe('a county cell quotes 附件1 as printed', () => {
  it('keeps the table’s two decimals (2.80万, not 2.8万)', () => {
    const weishan: CountyTargets = {
      county: '微山县', villages: 523, totalStations: 523, totalAppDownloads: 70000,
      periods: [
        { period: '2019H1', ends: '2019-06-30', stationsTarget: 208, appDownloadsTarget: 14000, stationsCumulative: 208, appDownloadsCumulative: 14000 },
        { period: '2019H2', ends: '2019-12-31', stationsTarget: 208, appDownloadsTarget: 28000, stationsCumulative: 416, appDownloadsCumulative: 42000 },
        { period: '2020', ends: '2020-12-31', stationsTarget: 107, appDownloadsTarget: 28000, stationsCumulative: 523, appDownloadsCumulative: 70000 },
      ],
    };
    const text = countyCells(weishan, '微山20年该建几个信息社，新增下载量是多少');
    expect(text).toContain('107个益农信息社');
    expect(text).toContain('建议新增APP下载量2.80万');
  });

  it('gives the running total to the end of a period, or the sum of the periods named', () => {
    expect(countyCells(YANZHOU, '兖州19年底前累计要建几个社')).toContain('到2019年下半年累计建398个益农信息社');
    expect(countyCells(YANZHOU, '兖州19年上下半年的下载量加起来多少')).toContain('APP下载量累计3.99万');
    expect(countyCells(YANZHOU, '兖州2019年下半年和2020年一共建几个社')).toContain('2019年下半年和2020年加起来建298个益农信息社');
    expect(countyCells(YANZHOU, '兖州2020年的任务是几个')).toContain('2020年99个益农信息社');
  });

  it('reads 全年 as the year’s total, not its two halves alone', () => {
    expect(countyCells(YANZHOU, '兖州2019年全年建多少个社')).toContain('到2019年下半年累计建398个益农信息社');
  });
});
