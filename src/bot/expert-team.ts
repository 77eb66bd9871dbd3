import type { SearchHit } from '../knowledge/retriever.ts';
import type { Intent } from './intents.ts';
import type { SlotLexicon } from './lexicon.ts';

/** Place names say nothing of the subject: "鱼台县" is not about fish. */
export const NOT_A_SPECIES = /鱼台县?|微山湖?|羊山镇?|马集|牛楼|鸡黍镇?|羊肚菌/g;

/** Words that make a question one for the policy team (policy and the station's services) whatever its crop or animal ("养猪贷款咋申请", "代购化肥"). */
const POLICY_WORDS = /政策|补贴|补助|贷款|保险|确权|流转|宅基地|耕地|合同|违法|犯法|法律|方案|信息社|益农|信息员|运营|申请|办理|手续|政府|文件|规定|禁用|禁止|代购|代买|代缴|缴费|提现|挂号|快递|低保|养老金|医保|新农合|社保|救助|五保/;

/** The kind of problem decides the team before a crop does: an animal's illness, a crop's pest, the soil, a machine. */
const ANIMAL_ILLNESS = /病|瘟|疫|拉稀|发烧|不吃|死|寄生虫|咳|喘|胀|反刍|瘸|流产/;
const PEST_OR_DISEASE = /病|虫|药|螟|蚜|锈|霉|斑|枯|腐|草害|除草/;
const SOIL_OR_FERTILISER = /肥|土壤|盐碱|酸化|测土/;
const MACHINE = /机|收割/;
/** When a question names several crops, the more specialised team answers first. */
const CROP_TEAMS = ['果树', '蔬菜', '粮食作物', '经济作物'];

/**
 * The teams the question's words name, longest word first so that a word inside a longer one is not read
 * (马 in 马铃薯, 豆 in 豆角).
 */
function teamsNamed(text: string, lexicon: SlotLexicon): Set<string> {
  const named = new Set<string>();
  let rest = text;
  for (const [word, team] of lexicon.teams) {
    if (!rest.includes(word)) continue;
    named.add(team);
    rest = rest.replaceAll(word, ' ');
  }
  return named;
}

/** The specialist team a question's subject names, or null when it names none. */
function subjectTeam(text: string, lexicon: SlotLexicon): string | null {
  const named = teamsNamed(text, lexicon);
  if (named.has('畜牧')) return ANIMAL_ILLNESS.test(text) ? '兽医' : '畜牧';
  if (named.has('水产')) return '水产';
  if (PEST_OR_DISEASE.test(text)) return '植保';
  if (SOIL_OR_FERTILISER.test(text)) return '土肥';
  if (MACHINE.test(text)) return '农机';
  return CROP_TEAMS.find((team) => named.has(team)) ?? null;
}

/**
 * Expert categories for tickets, from the question's intent and the passages' categories. A policy-side intent
 * goes to the policy team only when the question is about policy or the station; a farming question the
 * classifier put there ("什么是发情周期", "专家开的打药方子照着打就行吧") goes to the team its subject names.
 */
export function expertCategory(intent: Intent, hits: SearchHit[], asked: string, lexicon: SlotLexicon): string {
  const text = asked.replace(NOT_A_SPECIES, ' ');
  if (intent === 'price' || intent === 'supply' || intent === 'labor') return '市场';
  const policySide = intent === 'policy' || intent === 'programme' || intent === 'service';
  if (policySide && POLICY_WORDS.test(text)) return '政策';
  const team = subjectTeam(text, lexicon);
  if (team) return team;
  if (policySide) return '政策';
  const category = hits[0]?.category;
  if (category === 'livestock') return '畜牧';
  if (category === 'aquaculture') return '水产';
  return '经济作物';
}
