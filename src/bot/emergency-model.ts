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
 * animal, water, weather or power, a fire or a gas).
 */
const SUBJECT: Record<EmergencyKind, RegExp> = {
  'fish-hypoxia': /鱼|虾|蟹|鳝|鳅|鳖|塘|藕池|藕田|网箱|水面|增氧/,
  'pesticide-poisoning': /药|毒|除草剂|百草枯|敌敌畏|杀虫|灭鼠|喷雾/,
  'animal-disease': new RegExp(ANIMALS),
  'lightning-flood': /雷|电|闪|淹|泡|水|涝|洪|雪|风|塌|雹/,
  'dead-animals': new RegExp(ANIMALS),
  'gas-poisoning': /煤|炉|炭|火|烟|气|窖|沼/,
};

/**
 * What each emergency looks like when it is happening, for the kinds whose subject alone is no emergency: fish
 * in distress (not "虾塘进水口要装网不"), a person's symptoms or a pesticide swallowed or spilt (not "怀着孩子能背药桶不"), more than one animal or an outbreak's signs (not one cow down after
 * calving), a person felled by the gas (not "菇棚里生炉子要装几根烟囱"). The other kinds need their subject only.
 */
const SIGN: Partial<Record<EmergencyKind, RegExp>> = {
  // the water's colour or smell alone (塘里水面一层绿油漆还发臭) is a water-quality question, not fish in distress
  'fish-hypoxia': /浮|张嘴|嘴|喘|靠边|岸边|埂|边上|挤|死|翻|漂|爬|缺氧|停电|不转|停了|坏了|窜|拱|冒泡|吐沫|泡泡|不沉|不下去|(鱼|虾|蟹|鳝|鳅).{0,8}(水面|水皮|上头)/,
  'animal-disease': new RegExp(
    '都|全|一圈|一群|一窝|一棚|一笼|一片|成片|成批|好几|好些|不少|很多|好多|一半|接连|接二连三|一个接一个|(一|挨)(只|头|个)接|陆续|挨个|' +
    '别的|其他|剩下的|隔壁|邻村|村里|几家|疫|瘟|死|口蹄|禽流感|起泡|水疱|水泡|发紫|便血|疙瘩|结节|[两二三四五六七八九十几百\\d]+多?(头|只|个|匹|口)',
  ),
  'pesticide-poisoning': /晕|昏|疼|痛|恶心|吐|汗|抽|哆嗦|抖|麻|模糊|看不清|眼花|喘|闷|口水|沫|倒|起不来|没劲|喝|吃|咽|舔|误|溅|沾|湿|洒|漏|中毒|不醒|不应|医院|120|痒|疙瘩|辣|流泪|瞳孔|躺/,
  'gas-poisoning': /晕|昏|疼|痛|恶心|吐|站不|倒|躺|起不来|迷糊|没劲|软|没上来|上不来|没出来|没动静|不动|喘|憋|中毒|中了?煤气|熏着|叫不醒|喊不醒|心慌|不应/,
};

/** A pesticide named beside fumes: the pesticide card's steps (the label to the hospital), not the stove's. */
export const PESTICIDE_FUMES = /农药|打药|喷药|打完药|喷完药|打过药|药水|烟剂|熏蒸|熏棚|熏仓|磷化铝|杀虫/;

/**
 * The kind a reading names, as the rules would: someone felled in a shed after spraying is the pesticide card's,
 * though the classifier, which learnt sheds from the stove messages, reads the gas.
 */
export function kindRead(kind: EmergencyKind, text: string): EmergencyKind {
  return kind === 'gas-poisoning' && PESTICIDE_FUMES.test(text) ? 'pesticide-poisoning' : kind;
}

/** One animal dead or ill ("死了一只 剩下的要打针不", "就一头"), and nothing told of more of them or an outbreak. */
const ONE_ANIMAL = /(死了?|就|只|只有|光)一(只|头|个|匹|口)|一(只|头|个)(死了|病了)/;
const MORE_ANIMALS = /都|全|一圈|一群|一窝|一棚|一片|成片|成批|好几|好些|不少|很多|好多|一半|接连|一个接一个|陆续|挨个|[两二三四五六七八九十几百\d]+多?(头|只|个|匹|口)|疫|瘟|口蹄|禽流感/;

/** Whether a message names what an emergency kind is about, and tells its signs when the kind needs them. */
export function namesSubjectOf(kind: EmergencyKind, text: string): boolean {
  if (kind === 'animal-disease' && ONE_ANIMAL.test(text) && !MORE_ANIMALS.test(text)) return false;
  return SUBJECT[kind].test(text) && (SIGN[kind]?.test(text) ?? true);
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
  const kind = isEmergencyKind(p.intent) ? kindRead(p.intent, text) : undefined;
  const sure = kind && p.probability >= model.threshold && namesSubjectOf(kind, text);
  return { kind: sure ? kind : undefined, vetoed: none >= model.veto };
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
