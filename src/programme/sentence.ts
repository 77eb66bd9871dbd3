import type { CountyProgressView } from './progress.ts';

/** 2019-06-30 → 2019年6月30日 */
export function chineseDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** 23000 → 2.3万 (as the plan writes downloads) */
export function wan(n: number): string {
  return n >= 10000 ? `${+(n / 10000).toFixed(2)}万` : `${n}`;
}

/** 28000 → 2.80万: a target as 附件1 prints it, two decimals kept, so a quoted figure reads as in the plan */
export function planWan(n: number): string {
  return `${(n / 10000).toFixed(2)}万`;
}

/**
 * Which target the due figure is, in the words of the plan: 上半年任务 (2019H1), 全年任务 (the running
 * total at the end of 2019), 全部任务 (2020: everything).
 */
function dueLabel(p: CountyProgressView): string {
  const period = p.duePeriod ?? '';
  const sameYear = p.asOf?.slice(0, 4) === period.slice(0, 4);
  if (/H1$/.test(period)) return sameYear ? '上半年任务' : `${period.slice(0, 4)}年上半年任务`;
  if (/H2$/.test(period)) return sameYear ? '全年累计任务' : `${period.slice(0, 4)}年累计任务`;
  return '全部任务';
}

/**
 * One county's latest report in a sentence, e.g. “截至2019年6月30日，邹城市已建300个，占上半年任务343个的87%。”,
 * then what else the report gave (六有, downloads, trained 信息员). Null when the county has not reported.
 */
export function describeProgress(p: CountyProgressView): string | null {
  if (!p.asOf || p.stationsBuilt === null) return null;
  let s = `截至${chineseDate(p.asOf)}，${p.county}已建${p.stationsBuilt}个`;
  if (p.stationsDue && p.stationsDue > 0) {
    s += `，占${dueLabel(p)}${p.stationsDue}个的${Math.round((p.stationsBuilt / p.stationsDue) * 100)}%`;
  }
  s += '。';
  const more: string[] = [];
  if (p.stationsStandard !== null) more.push(`其中达到“六有”标准的${p.stationsStandard}个`);
  if (p.appDownloads !== null) {
    more.push(`APP下载${wan(p.appDownloads)}次${p.appDownloadsDue ? `（应达${wan(p.appDownloadsDue)}次）` : ''}`);
  }
  if (p.officersTrained !== null) more.push(`信息员培训考核合格${p.officersTrained}人`);
  if (more.length) s += `${more.join('；')}。`;
  return s;
}
