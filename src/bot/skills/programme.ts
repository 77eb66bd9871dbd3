import { countyProgress, countyTargets } from '../../data/index.ts';
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
  const asksFigures = /多少|几个|几家|目标|任务|进度|完成|下载/.test(text);
  if (!asksFigures) return knowledgeSkill(input, 'programme');
  const all = await countyTargets(deps.pool, slots.county);
  if (!all.length) return knowledgeSkill(input, 'programme');
  input.context.lastSlots = { ...slots };
  const citation = { documentId: 'table:county_targets', title: '济宁市信息进村入户工程县（市、区）建设任务表', source: '济农字〔2019〕36号', snippet: '' };
  if (/进度|完成|建了多少|建成/.test(text)) {
    const progress = await countyProgress(deps.pool, slots.county);
    const known = progress.filter((p) => p.asOf);
    if (known.length) {
      const lines = known.map((p) => `${p.county}：截至${p.asOf}已建${p.stationsBuilt}个，占目标${p.stationsTarget}个的${p.percent}%`);
      return { text: lines.join('\n'), intent: 'programme', confidence: 0.9, citations: [{ ...citation, snippet: lines[0] }] };
    }
  }
  if (slots.county) {
    const c = all[0];
    const periods = c.periods.map((p) => `${periodLabel(p.period)}${p.stationsTarget}个`).join('，');
    const downloads = c.periods.map((p) => `${periodLabel(p.period)}${wan(p.appDownloadsTarget)}`).join('，');
    const body =
      `${c.county}有${c.villages}个行政村，按计划共建益农信息社${c.totalStations}个（${periods}）。` +
      `手机APP下载目标：${downloads}。`;
    return { text: body, intent: 'programme', confidence: 0.95, citations: [{ ...citation, snippet: body.slice(0, 60) }] };
  }
  const villages = all.reduce((n, c) => n + c.villages, 0);
  const stations = all.reduce((n, c) => n + c.totalStations, 0);
  const body = `全市${all.length}个县（市、区）共有${villages}个行政村，计划共建益农信息社${stations}个。问具体某个县，可以说“邹城市要建多少个益农信息社”。`;
  return {
    text: body, intent: 'programme', confidence: 0.9,
    citations: [{ ...citation, snippet: body.slice(0, 60) }],
    quickReplies: ['邹城市要建多少个', '金乡县要建多少个'],
  };
}
