// The emergency detector's second reader. The rules in emergency.ts catch the phrasings we know; this
// classifier (complement naive Bayes over the intent classifier's features) reads the ones we did not think
// of. It is fitted by `npm run emergency:fit` on messages written by someone who never saw the rules
// (seeds/emergency/train.jsonl) plus the ordinary questions of the intent training set as non-emergencies.
import { EMERGENCY_KINDS, isEmergencyKind, type EmergencyKind } from '../knowledge/emergency-cards.ts';
import { checkModel, predict, type IntentModel } from './intent-model.ts';

export const NOT_EMERGENCY = 'none';

export interface EmergencyModel {
  version: 1;
  classifier: IntentModel;
  /** an emergency class must be the best class with at least this probability (chosen out of fold) */
  threshold: number;
  /** a rule's match is overruled when the classifier is this sure it is no emergency ("咋预防浮头", "去年…") */
  veto: number;
}

export interface EmergencyReading {
  /** the emergency the classifier is sure enough of, if any */
  kind?: EmergencyKind;
  /** the rules' match should be overruled */
  vetoed: boolean;
}

const ANIMALS = '猪|牛|羊|鸡|鸭|鹅|兔|鸽|鹌鹑|畜|禽|牲口|崽|仔|犊|羔|驴|马|狗|鱼|虾|蟹|鳝|鳅|鳖';
/**
 * What each emergency is about. The classifier reads words, so "拉稀跟水似的" can look like a pond: a kind
 * it reads counts only when the message names that kind's subject (a pond or water animal, a pesticide, an
 * animal, water, weather or power).
 */
const SUBJECT: Record<EmergencyKind, RegExp> = {
  'fish-hypoxia': /鱼|虾|蟹|鳝|鳅|鳖|塘|藕池|藕田|网箱|水面|增氧/,
  'pesticide-poisoning': /药|毒|除草剂|百草枯|敌敌畏|杀虫|灭鼠|喷雾/,
  'animal-disease': new RegExp(ANIMALS),
  'lightning-flood': /雷|电|闪|淹|泡|水|涝|洪|雪|风|塌|雹/,
  'dead-animals': new RegExp(ANIMALS),
};

/** Whether a message names what an emergency kind is about. */
export function namesSubjectOf(kind: EmergencyKind, text: string): boolean {
  return SUBJECT[kind].test(text);
}

/**
 * "…了怎么办", "…咋整": the ending of any question that asks what to do. The ordinary questions the classifier
 * learns "no emergency" from mostly end so, which taught it that asking what to do is no emergency: it vetoed
 * "鱼浮头了怎么办" and "农药中毒了怎么办". The classifier reads a message without it, at fit and at use.
 */
const WHAT_TO_DO = /(怎么|咋|如何|怎样|肿么|咋个)(办|整|弄|搞)(啊|呀|呢|吧|哇)?/g;

/** The message as the classifier reads it: without the what-to-do ending any question may have. */
export function emergencyReadable(text: string): string {
  return text.replace(WHAT_TO_DO, ' ').replace(/\s+/g, ' ').trim() || text;
}

/**
 * What the classifier reads in a message: `featurize` gives its features (the intent classifier's, of the
 * readable text); the text itself is kept for the subject check.
 */
export function classifyEmergency(model: EmergencyModel, featurize: (text: string) => Map<string, number>, text: string): EmergencyReading {
  const p = predict(model.classifier, featurize(emergencyReadable(text)));
  const none = p.ranked.find((r) => r.intent === NOT_EMERGENCY)?.probability ?? 0;
  const sure = isEmergencyKind(p.intent) && p.probability >= model.threshold && namesSubjectOf(p.intent, text);
  return { kind: sure ? (p.intent as EmergencyKind) : undefined, vetoed: none >= model.veto };
}

export function checkEmergencyModel(value: unknown, file: string): EmergencyModel {
  const m = value as Partial<EmergencyModel> | null;
  const inUnit = (x: unknown) => typeof x === 'number' && x > 0 && x <= 1;
  if (!m || m.version !== 1 || !inUnit(m.threshold) || !inUnit(m.veto)) {
    throw new Error(`${file} 不是可用的紧急情况模型：请运行 npm run emergency:fit 重新生成`);
  }
  let classifier: IntentModel;
  try {
    classifier = checkModel(m.classifier, file);
  } catch (err) {
    throw new Error(`${file} 里的分类器不完整：请运行 npm run emergency:fit 重新生成`, { cause: err });
  }
  const unknown = classifier.classes.filter((c) => c !== NOT_EMERGENCY && !isEmergencyKind(c));
  if (unknown.length || !classifier.classes.includes(NOT_EMERGENCY)) {
    throw new Error(`${file} 的类别应是 ${[...EMERGENCY_KINDS, NOT_EMERGENCY].join('、')}：请运行 npm run emergency:fit 重新生成`);
  }
  return { version: 1, classifier, threshold: m.threshold!, veto: m.veto! };
}
