// Cells of the plan's 附件1 for one county, read from a question: which measures (villages, stations,
// downloads, the cumulative coverage share) and which periods (2019年上半年, 2019年下半年, 2020年). What the
// question does not say is never guessed: an unnamed measure shows the whole row, and a period the table
// does not have is said so, with the periods it does have.
import type { CountyTargets, PeriodTarget } from '../data/county-targets.ts';
import { planWan } from './sentence.ts';

export type Measure = 'villages' | 'stations' | 'downloads' | 'coverage';

const MEASURES: [Measure, RegExp][] = [
  ['downloads', /下载|app/i],
  ['coverage', /占|覆盖|百分|比例|几成|%|累计/],
  ['stations', /建|信息社|站点|社|个数|任务/],
  ['villages', /(多少|几)个?(行政)?村|村(子|庄)?(个)?数|村(子|庄)(一共|总共|共)?有?(多少|几)|村民委员会|村委会|(多少|几)个?庄/],
];

/** The measures a question names. "建议新增…下载量" names downloads, not stations (建议 is not 建). */
export function measuresAsked(text: string): Measure[] {
  const t = text.replace(/建议/g, '');
  return MEASURES.filter(([, re]) => re.test(t)).map(([m]) => m);
}

export interface PeriodsAsked {
  /** the table's periods the question names (2019H1, 2019H2, 2020) */
  periods: string[];
  /** what was named but is not in the table ("2021年", "2020年上半年", "今年"), in the question's words */
  unknown: string[];
}

const HALF = /(上半年|下半年|上半|下半|前半年|后半年)/;

/** The periods a question names: "2019年上半年", "19年下半年", "2020年", "上半年" (only 2019 has halves). */
export function periodsAsked(text: string, periods: readonly string[]): PeriodsAsked {
  const keys = new Set<string>();
  const unknown: string[] = [];
  const t = text.replace(/(?<!\d)(19|20)年/g, '20$1年');
  for (const m of t.matchAll(/(20\d\d)年?(上半年|下半年|上半|下半|前半年|后半年|底|年底|年末)?/g)) {
    const half = m[2] && HALF.test(m[2]) ? (/上|前/.test(m[2]) ? 'H1' : 'H2') : '';
    const exact = periods.filter((p) => p === `${m[1]}${half}` || (!half && p.startsWith(m[1])));
    if (exact.length) exact.forEach((p) => keys.add(p));
    else if (half && periods.includes(m[1])) {
      unknown.push(m[0]); // 2020 has no halves in the plan: say so and give the year
      keys.add(m[1]);
    } else unknown.push(m[0]);
  }
  if (!keys.size && !unknown.length) {
    const half = HALF.exec(t)?.[1];
    if (half) {
      const wanted = /上|前/.test(half) ? 'H1' : 'H2';
      periods.filter((p) => p.endsWith(wanted)).forEach((p) => keys.add(p));
    }
    const stage = /第([一二三123])(个)?阶段|第([一二三123])(批|步)/.exec(t);
    if (stage) {
      const n = '一1'.includes(stage[1] ?? stage[3]) ? 0 : '二2'.includes(stage[1] ?? stage[3]) ? 1 : 2;
      if (periods[n]) keys.add(periods[n]);
    }
    // the plan's two years by their place: 头一年 is 2019 (both halves), 第二年 and the last stage are 2020
    const year = /(头|第一|第1)(一)?年|(第二|第2|最后一|后一)年|最后(一)?(批|个?阶段|步)/.exec(t);
    if (year) {
      const first = periods[0]?.slice(0, 4);
      const wanted = year[1] ? periods.filter((p) => p.startsWith(first ?? '')) : periods.slice(-1);
      wanted.forEach((p) => keys.add(p));
    }
    const relative = /今年|明年|去年|前年|后年|本年/.exec(t);
    if (relative) unknown.push(relative[0]);
  }
  return { periods: periods.filter((p) => keys.has(p)), unknown };
}

export function periodLabel(p: string): string {
  const m = /^(\d{4})(H([12]))?$/.exec(p);
  if (!m) return p;
  return m[3] ? `${m[1]}年${m[3] === '1' ? '上' : '下'}半年` : `${m[1]}年`;
}

function cell(c: CountyTargets, p: PeriodTarget, measures: readonly Measure[]): string {
  const parts: string[] = [];
  if (measures.includes('stations')) parts.push(`${p.stationsTarget}个益农信息社`);
  if (measures.includes('downloads')) {
    const first = p.period === c.periods[0]?.period;
    parts.push(`${first ? '建议APP下载量' : '建议新增APP下载量'}${planWan(p.appDownloadsTarget)}`);
  }
  if (measures.includes('coverage')) {
    const share = (100 * p.stationsCumulative) / c.villages;
    const exact = +share.toFixed(2);
    // The plan speaks in whole percents (40%, 80%): say that, and the exact share beside it.
    const said = Number.isInteger(exact) ? `${exact}%` : `约${Math.round(share)}%（${exact}%）`;
    parts.push(`到这一阶段累计建${p.stationsCumulative}个，覆盖全部行政村的${said}`);
  }
  return `${periodLabel(p.period)}${parts.join('，')}`;
}

/** Asks for the sum of the periods named ("上下半年加一块", "一共", "2019年全年"). */
const SUMMED = /加起来|加一块|加一起|加在一起|一共|总共|合计|总数|总的|全部|三个阶段|全年|一整年|整年/;
/** Asks for the running total at the end of a period ("到19年年底", "累计", "截至"). */
const RUNNING = /累计|截至|截止|为止|到.{0,8}(底|末)/;

/**
 * The figure a question wants over the periods it names: the running total at the last of them (附件1's
 * cumulative columns, which also sum a run of periods from the start), or the sum of the periods named.
 */
function runningTotals(rows: readonly PeriodTarget[], measures: readonly Measure[], text: string): string[] {
  const last = rows[rows.length - 1];
  const fromStart = rows.every((r, i) => r.stationsCumulative === rows.slice(0, i + 1).reduce((n, p) => n + p.stationsTarget, 0));
  const out: string[] = [];
  if (RUNNING.test(text) || (SUMMED.test(text) && fromStart && rows.length > 1)) {
    if (measures.includes('stations')) out.push(`到${periodLabel(last.period)}累计建${last.stationsCumulative}个益农信息社`);
    if (measures.includes('downloads')) out.push(`到${periodLabel(last.period)}APP下载量累计${planWan(last.appDownloadsCumulative)}`);
  } else if (SUMMED.test(text) && rows.length > 1) {
    const label = rows.map((r) => periodLabel(r.period)).join('和');
    if (measures.includes('stations')) out.push(`${label}加起来建${rows.reduce((n, r) => n + r.stationsTarget, 0)}个益农信息社`);
    if (measures.includes('downloads')) out.push(`${label}APP下载量加起来${planWan(rows.reduce((n, r) => n + r.appDownloadsTarget, 0))}`);
  }
  return out;
}

/**
 * One county's cells of 附件1 for the measures and periods the question names, in a sentence. With no
 * measure named, the whole row (stations, downloads, coverage) for the named periods, or for all of them.
 */
export function countyCells(c: CountyTargets, text: string): string {
  const named = measuresAsked(text);
  const head = `${c.county}有${c.villages}个行政村（村民委员会，2017年底统计）。`;
  if (named.length === 1 && named[0] === 'villages') return head;
  const measures: Measure[] = named.filter((m) => m !== 'villages').length ? named : ['stations', 'downloads', 'coverage'];
  const { periods, unknown } = periodsAsked(text, c.periods.map((p) => p.period));
  const note = unknown.length
    ? `方案附件1只分2019年上半年、2019年下半年和2020年三个阶段（2020年不分上下半年），没有“${unknown.join('、')}”这一项，下面是${periods.length ? '能对上的阶段' : '全部三个阶段'}。`
    : '';
  const rows = periods.length ? c.periods.filter((p) => periods.includes(p.period)) : c.periods;
  const lines = rows.map((p) => cell(c, p, measures));
  const totals: string[] = [];
  if (periods.length) totals.push(...runningTotals(rows, measures, text));
  else {
    // the whole row: its totals too
    if (measures.includes('stations')) totals.push(`合计共建${c.totalStations}个`);
    if (measures.includes('downloads')) totals.push(`三个阶段APP下载量加起来${planWan(c.totalAppDownloads)}`);
  }
  return `${note}${head}${lines.join('；')}${totals.length ? `。${totals.join('，')}` : ''}。`;
}
