import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countyCells, loadPlanFacts, matchPlanFacts, measuresAsked, parsePlanFacts, periodsAsked } from '../../src/programme/index.ts';
import { answersFocus, explainsAskedTerm, namesAskedDoing, planFocus } from '../../src/programme/focus.ts';

const SEEDS = path.join(import.meta.dirname, '..', '..', 'seeds');

describe('a plan fact must hold what the question asks for', () => {
  it('reads money and figures as what is asked, and a list (哪几个) or a cash service (取钱) as neither', () => {
    expect(planFocus('运营商能拿补贴不')).toEqual(['money']);
    expect(planFocus('信息员一个月挣多少')).toEqual(['money']);
    expect(planFocus('互联网小镇建几处')).toEqual(['figure']);
    expect(planFocus('接了哪几个商城')).toEqual([]);
    expect(planFocus('在信息社能取钱不')).toEqual([]);
    expect(answersFocus('对运营主体给予一定补助', ['money'])).toBe(true);
    expect(answersFocus('运营主体由公开招募选出', ['money'])).toBe(false);
    expect(answersFocus('争取建设1-2处', ['figure'])).toBe(true);
  });

  it('reads a wage asked in farmers\' words (多少工钱) as money', () => {
    expect(planFocus('当信息员一个月给开多少工钱')).toEqual(['money']);
  });

  it('a "啥意思" question is answered only by a fact that explains the term, not by one that lists it', async () => {
    const six = '“六有”标准是：有场所、有人员、有设备、有宽带、有网页和有持续运营能力。';
    expect(explainsAskedTerm(six, '六有是啥意思')).toBe(true);
    expect(explainsAskedTerm(six, '俺问一下六有是啥意思')).toBe(true);
    expect(explainsAskedTerm(six, '那个持续运营能力到底啥意思')).toBe(false);
    expect(explainsAskedTerm(six, '六有标准有哪些')).toBe(true);
    const facts = await loadPlanFacts(SEEDS);
    expect(matchPlanFacts(facts, '那个持续运营能力到底啥意思').map((m) => m.fact.id)).not.toContain('liuyou');
  });

  it('"能办X不" is answered only by a fact that names X; "能办啥" by any list of the services', async () => {
    const list = '帮助农民查询和发布产品供求、市场价格、招聘用工信息，预约挂号，生活缴费，小额提现';
    expect(namesAskedDoing(list, '在益农社能帮着办医保报销不')).toBe(false);
    expect(namesAskedDoing(list, '益农社能帮着打印复印不')).toBe(false);
    expect(namesAskedDoing(list, '能办挂号不')).toBe(true);
    expect(namesAskedDoing(list, '在村里能办啥事')).toBe(true);
    const facts = await loadPlanFacts(SEEDS);
    expect(matchPlanFacts(facts, '在益农社能帮着办医保报销不')).toEqual([]);
  });

  it('a date asked is answered by a fact with a day or a month, a time by one with a year', async () => {
    expect(planFocus('方案是几月份出的')).toEqual(['date']);
    expect(planFocus('用几年建完')).toEqual(['time']);
    const facts = await loadPlanFacts(SEEDS);
    expect(matchPlanFacts(facts, '方案是2019年哪个月出的')[0]?.fact.id).toBe('document');
    expect(matchPlanFacts(facts, '市农业农村局啥时候发的这个方案')[0]?.fact.id).toBe('document');
  });

  it('a fact naming the subject but not the money asked is no match; the one that holds it is', () => {
    const facts = parsePlanFacts([
      '{"id":"operators","keys":["运营主体|运营商"],"asks":["运营主体咋选"],"answer":"运营主体由市县公开招募选出"}',
      '{"id":"funding","keys":["补助|补贴|钱"],"asks":["建社的钱从哪来"],"answer":"先建后补，对运营主体给予一定补助"}',
    ].join('\n'));
    expect(matchPlanFacts(facts, '运营主体有补助没')[0]?.fact.id).toBe('funding');
    expect(matchPlanFacts(facts, '运营主体咋选出来的')[0]?.fact.id).toBe('operators');
  });

  it('the shipped table: a 信息员’s pay matches no fact about the 信息员 standard', async () => {
    const facts = await loadPlanFacts(SEEDS);
    expect(matchPlanFacts(facts, '信息员每月工资多少').map((m) => m.fact.id)).not.toContain('officer');
    expect(matchPlanFacts(facts, '给运营商补助不')[0]?.fact.id).toBe('funding');
  });
});

describe('a fact must name the actor or service the question names', () => {
  it('信息员, 专家 (not 专家号), 提现', async () => {
    const { namesSubjects } = await import('../../src/programme/focus.ts');
    expect(namesSubjects('自2019年起，利用2年时间', '信息员培训啥时候开始')).toBe(false);
    expect(namesSubjects('指导农村信息员进行信息采集', '信息员能帮着查行情吗')).toBe(true);
    expect(namesSubjects('医疗预约挂号', '能挂专家号不')).toBe(true);
    const facts = await loadPlanFacts(SEEDS);
    expect(matchPlanFacts(facts, '信息员培训啥时候开始').map((m) => m.fact.id)).not.toContain('schedule');
  });
});

describe('a county’s periods and measures in farmers’ words', () => {
  const periods = ['2019H1', '2019H2', '2020'];
  it('the first year is 2019 (both halves), the second year and the last batch are 2020', () => {
    expect(periodsAsked('头一年建多少', periods).periods).toEqual(['2019H1', '2019H2']);
    expect(periodsAsked('第二年要建几个', periods).periods).toEqual(['2020']);
    expect(periodsAsked('最后一批建多少', periods).periods).toEqual(['2020']);
    expect(periodsAsked('建多少个', periods).periods).toEqual([]);
  });

  it('"村子数" asks the villages', () => {
    expect(measuresAsked('曲阜的村子数')).toEqual(['villages']);
    const row = { county: '曲阜市', villages: 379, totalStations: 379, periods: [] } as unknown as Parameters<typeof countyCells>[0];
    expect(countyCells(row, '曲阜的村子数')).toContain('379');
  });
});

describe('an amount asked of a service', () => {
  it('reads a price, a count or a limit as an amount, and a where or a how as none', async () => {
    const { asksAmount } = await import('../../src/programme/focus.ts');
    expect(asksAmount('提现一天最多取多少')).toBe(true);
    expect(asksAmount('寄一箱快递多少钱')).toBe(true);
    expect(asksAmount('缴费一次几块钱')).toBe(true);
    expect(asksAmount('取钱有额度不')).toBe(true);
    expect(asksAmount('在信息社能取钱不')).toBe(false);
    expect(asksAmount('快递咋寄')).toBe(false);
  });
});

describe('what a plan fact cannot say: a remedy after a failure, whether two things are the same, the bureau\'s part', () => {
  it('reads "考不过咋办" and "证丢了能补办不" as asking a remedy, and "考不考" as not', () => {
    expect(planFocus('当信息员还得考试 考不过咋办')).toContain('remedy');
    expect(planFocus('培训完发的证丢了 能补办不')).toContain('remedy');
    expect(planFocus('信息员培训完考不考')).not.toContain('remedy');
    expect(planFocus('益农社跟村委会是一码事不')).toContain('same');
    expect(planFocus('益农社能建在村委会不')).not.toContain('same');
  });

  it('a fact that only names the subject does not answer them', async () => {
    const facts = await loadPlanFacts(SEEDS);
    expect(matchPlanFacts(facts, '信息员培训完发的证丢了 能补办不')).toEqual([]);
    expect(matchPlanFacts(facts, '当信息员还得考试 考不过咋办')).toEqual([]);
    expect(matchPlanFacts(facts, '益农社跟村委会是一码事不').map((m) => m.fact.id)).not.toContain('sites');
    expect(matchPlanFacts(facts, '礼飨那个平台局里管啥').map((m) => m.fact.id)).not.toContain('lixiang');
    expect(matchPlanFacts(facts, '信息员培训完考不考')[0]?.fact.id).toBe('officer');
  });
});
