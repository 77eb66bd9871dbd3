import { countyTargets, type CountyTargets } from '../../data/index.ts';
import { latestCountyProgress } from '../../programme/index.ts';
import type { SkillInput, SkillResult } from '../skill.ts';
import { knowledgeSkill } from './knowledge.ts';

function periodLabel(p: string): string {
  const m = /^(\d{4})(H([12]))?$/.exec(p);
  if (!m) return p;
  return m[3] ? `${m[1]}年${m[3] === '1' ? '上' : '下'}半年` : `${m[1]}年`;
}

type Measure = 'stations' | 'downloads' | 'coverage';

const MEASURES: [Measure, RegExp][] = [
  ['downloads', /下载|app/i],
  ['coverage', /占|覆盖|百分之|比例|几成|%/],
  ['stations', /建|信息社|站点|几个社|多少个社|个数/],
];

/** The periods a question names: "2019年上半年", "2019下半年", "2020年"; "2019年" alone means both halves. */
function periodsAsked(text: string, periods: string[]): string[] {
  const keys = new Set<string>();
  for (const m of text.matchAll(/(2019|2020)年?(上半年|下半年|上半|下半)?/g)) {
    const half = m[2]?.startsWith('上') ? 'H1' : m[2]?.startsWith('下') ? 'H2' : '';
    for (const p of periods) if (p === `${m[1]}${half}` || (!half && p.startsWith(m[1]))) keys.add(p);
  }
  return periods.filter((p) => keys.has(p));
}

function downloadsWan(n: number): string {
  return `${+(n / 10000).toFixed(2)}万`;
}

/**
 * Cells of 附件1 for one county: the measures and periods the question names. A measure or period the
 * question does not name is never guessed: the county's whole row for the named periods (or all) is shown.
 */
export function countyCells(c: CountyTargets, text: string): string {
  const named = MEASURES.filter(([, re]) => re.test(text)).map(([m]) => m);
  const measures: Measure[] = named.length ? named : ['stations', 'downloads', 'coverage'];
  const asked = periodsAsked(text, c.periods.map((p) => p.period));
  const rows = asked.length ? c.periods.filter((p) => asked.includes(p.period)) : c.periods;
  const lines = rows.map((p) => {
    const parts: string[] = [];
    if (measures.includes('stations')) parts.push(`${p.stationsTarget}个益农信息社`);
    if (measures.includes('downloads')) {
      const first = p.period === c.periods[0]?.period;
      parts.push(`${first ? '建议APP下载量' : '建议新增APP下载量'}${downloadsWan(p.appDownloadsTarget)}`);
    }
    if (measures.includes('coverage')) {
      parts.push(`累计建${p.stationsCumulative}个，覆盖全部行政村的${+((100 * p.stationsCumulative) / c.villages).toFixed(2)}%`);
    }
    return `${periodLabel(p.period)}${parts.join('，')}`;
  });
  const totals: string[] = [];
  if (/加起来|一共|总共|合计|总数|全部/.test(text) || !asked.length) {
    if (measures.includes('stations')) totals.push(`共建${c.totalStations}个`);
    if (measures.includes('downloads')) totals.push(`三个阶段APP下载量加起来${downloadsWan(c.totalAppDownloads)}`);
  }
  const head = `${c.county}有${c.villages}个行政村。`;
  return `${head}${lines.join('；')}${totals.length ? `。合计：${totals.join('，')}` : ''}。`;
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
  if (slots.county) return one(countyCells(all[0], text));
  if (!slots.county && /下载/.test(text)) {
    // The plan states the city's cumulative download targets in its text (16.71万, 50.12万, over 80万);
    // the county table's sums differ by rounding, so the city figures come from the plan's own words.
    return knowledgeSkill(input, 'programme');
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
