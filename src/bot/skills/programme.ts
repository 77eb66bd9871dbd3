import { countyTargets } from '../../data/index.ts';
import { latestCountyProgress } from '../../programme/index.ts';
import type { SkillInput, SkillResult } from '../skill.ts';
import { knowledgeSkill } from './knowledge.ts';

/** Download counts as the plan writes them: 23000 → 2.3万. */
function wan(n: number): string {
  return n >= 10000 ? `${+(n / 10000).toFixed(2)}万` : `${n}`;
}

function periodLabel(p: string): string {
  const m = /^(\d{4})(H([12]))?$/.exec(p);
  if (!m) return p;
  return m[3] ? `${m[1]}年${m[3] === '1' ? '上' : '下'}半年` : `${m[1]}年`;
}

/** County targets and progress of the roll-out, from the county_targets table (the 2019 plan's figures). */
export async function programmeSkill(input: SkillInput): Promise<SkillResult> {
  const { deps, slots, text } = input;
  const asksFigures = /多少|几个|几家|目标|任务|进度|完成|下载|最多|最少/.test(text);
  if (!asksFigures) return knowledgeSkill(input, 'programme');
  const all = await countyTargets(deps.pool, slots.county);
  if (!all.length) return knowledgeSkill(input, 'programme');
  input.context.lastSlots = { ...slots };
  const citation = { documentId: 'table:county_targets', title: '济宁市信息进村入户工程县（市、区）建设任务表', source: '济农字〔2019〕36号', snippet: '' };
  let progressNote = '';
  if (/进度|完成|建了多少|建成/.test(text)) {
    // the latest report of each county (附件2), compared with what was due by its date
    const known = await latestCountyProgress(deps.pool, slots.county);
    if (known.length) {
      const lines = known.map((p) => p.sentence);
      return { text: lines.join('\n'), intent: 'programme', confidence: 0.9, citations: [{ ...citation, snippet: lines[0] }] };
    }
    progressNote = '暂时还没有录入建设进度数据，下面是方案定的计划目标。';
  }
  const one = (body: string) => ({
    text: progressNote + body, intent: 'programme' as const, confidence: 0.95,
    citations: [{ ...citation, snippet: body.slice(0, 60) }],
  });
  if (/村最多|村最少|哪个县.*(多|少)/.test(text)) {
    const sorted = [...all].sort((a, b) => b.villages - a.villages);
    const pick = /最少|少/.test(text) ? sorted[sorted.length - 1] : sorted[0];
    return one(`行政村${/最少|少/.test(text) ? '最少' : '最多'}的是${pick.county}，有${pick.villages}个。`);
  }
  if (slots.county && /(多少|几)个?(行政)?村/.test(text) && !/信息社|建/.test(text)) {
    return one(`${all[0].county}有${all[0].villages}个行政村。`);
  }
  const period = /(2019|2020)年?(上半年|下半年)?/.exec(text);
  if (slots.county && period) {
    const key = `${period[1]}${period[2] === '上半年' ? 'H1' : period[2] === '下半年' ? 'H2' : ''}`;
    const rows = all[0].periods.filter((p) => p.period === key || (!period[2] && p.period.startsWith(period[1])));
    if (rows.length) {
      const parts = rows.map((p) => `${periodLabel(p.period)}${p.stationsTarget}个`).join('，');
      return one(`${all[0].county}${parts}益农信息社（全部计划${all[0].totalStations}个）。`);
    }
  }
  if (!slots.county && /下载/.test(text)) {
    // The plan states the city's cumulative download targets in its text (16.71万, 50.12万, over 80万);
    // the county table's sums differ by rounding, so the city figures come from the plan's own words.
    return knowledgeSkill(input, 'programme');
  }
  if (slots.county) {
    const c = all[0];
    const periods = c.periods.map((p) => `${periodLabel(p.period)}${p.stationsTarget}个`).join('，');
    const downloads = c.periods.map((p) => `${periodLabel(p.period)}${wan(p.appDownloadsTarget)}`).join('，');
    const body =
      `${c.county}有${c.villages}个行政村，按计划共建益农信息社${c.totalStations}个（${periods}）。` +
      `手机APP下载目标：${downloads}。`;
    return one(body);
  }
  const villages = all.reduce((n, c) => n + c.villages, 0);
  const stations = all.reduce((n, c) => n + c.totalStations, 0);
  const body = `全市${all.length}个县（市、区）共有${villages}个行政村，计划共建益农信息社${stations}个。问具体某个县，可以说“邹城市要建多少个益农信息社”。`;
  return {
    text: progressNote + body, intent: 'programme', confidence: 0.9,
    citations: [{ ...citation, snippet: body.slice(0, 60) }],
    quickReplies: ['邹城市要建多少个', '金乡县要建多少个'],
  };
}
