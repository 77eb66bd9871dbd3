import { countyTargets } from '../../data/index.ts';
import {
  countyCells, latestCountyProgress, measuresAsked, periodsAsked, PLAN_CALIBRATION,
} from '../../programme/index.ts';
import type { SkillInput, SkillResult } from '../skill.ts';
import { expertCategory } from '../expert-team.ts';
import type { SlotLexicon } from '../lexicon.ts';
import { knowledgeSkill } from './knowledge.ts';
import { serviceSkill } from './service.ts';
import { asksOwnStation, PLAN, planCitation, planFactReply, SOURCE } from './plan-answers.ts';

const TABLE = { documentId: 'table:county_targets', title: '济宁市信息进村入户工程县（市、区）建设任务表', source: SOURCE };

/** Asks for a figure of the table: how many, a target, a share. */
const FIGURE = /多少|几个|几家|目标|任务|下载|最多|最少|占|覆盖|百分|比例|几成|%/;
/** What the table counts: a "多少" about these is a question for the table. */
const TABLE_SUBJECT = /信息社|站点|建|行政村|村|下载|app|任务|目标/i;
/** Asks how far the roll-out has come (附件2 reports), not what the plan set. */
// "建成了以后农民不出村能享受啥" is no progress question: 建成了 counts only with a figure or a yes/no after it.
const PROGRESS = /进度|完成了|完成得|完成多少了|建了多少|建成了(多少|几|没|吗|不)|建成多少|已经建|已建|建得咋样|建得怎么样|建到哪/;

/** A county and a figure or a measure: a question for the county's cells of 附件1, not for a plan fact. */
export function asksCountyCells(text: string, county: string | undefined): boolean {
  return Boolean(county) && (FIGURE.test(text) || measuresAsked(text).length > 0 || PROGRESS.test(text));
}

/** "哪个县村最多": the counties compared, from the table. */
function asksSuperlative(text: string, county: string | undefined): boolean {
  return !county && /哪个?(县|区|市|地方)/.test(text) && /最多|最少|多|少/.test(text) && /村/.test(text);
}

/** Answered from 附件1's cells (a county's, or the counties compared) before any plan fact is tried. */
export function answeredByTable(text: string, county: string | undefined): boolean {
  return asksCountyFigure(text, county) || asksSuperlative(text, county);
}

/**
 * A county and a figure ("兖州区2020年建议新增多少APP下载量"): always the county's cells. A county named beside
 * another question ("嘉祥县建信息社的钱谁出", "曲阜市益农社建在啥地方") asks the plan, not the county's row.
 */
function asksCountyFigure(text: string, county: string | undefined): boolean {
  return Boolean(county) && (FIGURE.test(text) || PROGRESS.test(text));
}

/** Every county the question names, in the order named ("汶上跟兖州…各是多少" names two). */
function countiesNamed(text: string, lexicon: SlotLexicon): string[] {
  const found: { at: number; county: string }[] = [];
  let rest = text;
  for (const { word, kind } of lexicon.scanOrder) {
    if (kind !== 'county') continue;
    const at = rest.indexOf(word);
    if (at < 0) continue;
    const county = lexicon.countyAliases.get(word);
    if (county && !found.some((f) => f.county === county)) found.push({ at, county });
    rest = rest.replaceAll(word, ' '.repeat(word.length));
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.county);
}

/** Asks when or how long ("几年建完", "分几步"): the plan's schedule, beside the county's own row. */
const TIMELINE = /几年|多长时间|多久|哪年|啥时候|什么时候|分几|几个阶段|几步/;

/**
 * The 2019 plan: a county's cells of 附件1 (county_targets), the latest progress reports (附件2), the
 * plan's facts in plain words (seeds/data/plan-facts.jsonl), and the knowledge base for the rest.
 */
export async function programmeSkill(input: SkillInput): Promise<SkillResult> {
  const { deps, slots, text } = input;
  // "俺村的信息员是谁": one station's own people, phone or hours, which the station list holds and the plan does not
  if (asksOwnStation(text)) return serviceSkill(input);
  const county = slots.county;
  if (PROGRESS.test(text)) {
    const known = await latestCountyProgress(deps.pool, county);
    if (known.length) {
      const lines = known.map((p) => p.sentence);
      return { text: lines.join('\n'), intent: 'programme', confidence: 0.9, citations: [{ ...TABLE, snippet: lines[0] }] };
    }
  }
  const progressNote = PROGRESS.test(text) ? '暂时还没有录入建设进度数据，下面是方案定的计划目标。' : '';
  const table = (body: string, quickReplies?: string[]): SkillResult => {
    input.context.lastSlots = { ...slots };
    return {
      text: progressNote + body, intent: 'programme', confidence: 0.95,
      citations: [{ ...TABLE, snippet: body.slice(0, 60) }], ...(quickReplies ? { quickReplies } : {}),
    };
  };
  const all = await countyTargets(deps.pool, county);
  if (all.length && asksSuperlative(text, county)) {
    const sorted = [...all].sort((a, b) => b.villages - a.villages);
    // "多少" is no "少": 哪个县村子最多 上半年建多少个 asks for the most
    const asked = text.replace(/多少/g, '');
    const fewest = /最少/.test(asked) || (!/最多|多/.test(asked) && /少/.test(asked));
    const pick = fewest ? sorted[sorted.length - 1] : sorted[0];
    const superlative = `行政村${fewest ? '最少' : '最多'}的是${pick.county}，有${pick.villages}个，要建${pick.totalStations}个益农信息社。`;
    // a period or another measure asked with it ("上半年建多少个") is that county's cells
    const more = periodsAsked(text, pick.periods.map((p) => p.period)).periods.length || measuresAsked(text).some((m) => m !== 'villages');
    return table(more ? `${superlative}${countyCells(pick, text)}` : superlative);
  }
  // A county and a figure or a measure: the table's cells, never a passage about the plan.
  if (all.length && asksCountyCells(text, county)) {
    // two counties named ("汶上跟兖州…各是多少"): each one's cells, not only the first one's
    const named = countiesNamed(text, deps.lexicon);
    const rows = named.length > 1 ? (await countyTargets(deps.pool, undefined)).filter((r) => named.includes(r.county)) : all.slice(0, 1);
    rows.sort((a, b) => named.indexOf(a.county) - named.indexOf(b.county));
    const cells = rows.map((r) => countyCells(r, text)).join('\n');
    const schedule = deps.planFacts?.find((f) => f.id === 'schedule');
    if (!asksCountyFigure(text, county)) {
      const plan = planFactReply(deps.planFacts ?? [], text);
      if (plan.answer && plan.probability >= PLAN_CALIBRATION.threshold) {
        const own = plan.answer === schedule?.answer ? `\n${cells}` : '';
        return { text: plan.answer + own, intent: 'programme', confidence: plan.probability, citations: [planCitation(plan.answer)] };
      }
    }
    return table(TIMELINE.test(text) && schedule ? `${cells}\n${schedule.answer}` : cells);
  }

  // A plan fact answers only as surely as the fitted model says (plan-confidence.json's operating threshold).
  const { answer, probability } = planFactReply(deps.planFacts ?? [], text);
  if (answer && probability >= PLAN_CALIBRATION.threshold) {
    return {
      text: progressNote + answer, intent: 'programme', confidence: probability,
      citations: [planCitation(answer)],
    };
  }
  // A plan fact matched, but not surely enough: no answer from it, nor a guess from elsewhere. The question goes
  // to the policy experts, the fact shown as related material that may not answer it.
  if (answer) return unsureOfPlan(text, answer, probability, deps.lexicon);
  // No fact at all: the table's city row (the whole row, no measure guessed) for a question about the table
  // itself, not any "多少" the classifier sent here; else the knowledge base, whose own calibration decides.
  if (all.length && ((FIGURE.test(text) && TABLE_SUBJECT.test(text)) || progressNote)) {
    const villages = all.reduce((n, c) => n + c.villages, 0);
    const stations = all.reduce((n, c) => n + c.totalStations, 0);
    return table(
      `全市${all.length}个县（市、区）共有${villages}个行政村，计划共建益农信息社${stations}个。问具体某个县，可以说“邹城市要建多少个益农信息社”。`,
      ['邹城市要建多少个', '金乡县要建多少个'],
    );
  }
  return knowledgeSkill(input, 'programme');
}

/** The handover of a question the plan's facts match only weakly (below the fitted operating threshold). */
function unsureOfPlan(text: string, answer: string, probability: number, lexicon: SlotLexicon): SkillResult {
  return {
    text: answer, intent: 'programme', confidence: probability,
    escalate: {
      reason: 'low_confidence', category: expertCategory('programme', [], text, lexicon),
      passages: [{ documentId: PLAN.documentId, title: PLAN.title, score: probability, snippet: answer }],
    },
  };
}
