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

/** What the classifier reads in a message (its features, and its text for the subject check). */
export function classifyEmergency(model: EmergencyModel, feats: Map<string, number>, text: string): EmergencyReading {
  const p = predict(model.classifier, feats);
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
