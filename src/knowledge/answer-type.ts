/**
 * What a question asks for, read from its template words, and whether a passage holds that kind of answer.
 * A passage that shares the question's words but not the asked thing ("什么是测土配方施肥" answered by a
 * passage that only uses the term) is not an answer: the calibrator reads these checks, and the knowledge
 * skill does not answer from a passage that fails them.
 */
export type AnswerKind = 'definition' | 'list' | 'cause' | 'treatment' | 'timing' | 'amount';

const ASKS: [AnswerKind, RegExp][] = [
  // "是啥病" asks for a diagnosis (a cause), not a definition: only a term asked about as a whole counts
  ['definition', /什么是|啥是|啥叫|什么叫|什么意思|啥意思|含义|概念|定义|是(什么|啥)(东西|玩意儿?)?[？?]?$/],
  ['list', /有哪些|哪几[种类样个项条]|有几[种类样]|都有(啥|什么|哪些)|哪些(品种|方法|措施|药)/],
  ['cause', /为什么|为啥|咋回事|怎么回事|(什么|啥)原因|原因是|怎么会|咋会|咋弄的|怎么弄的|是咋|是怎么/],
  ['treatment', /(咋|怎么|怎样|如何)(治|防|防治|办|整|弄|处理|解决|补救)|用(啥|什么)药|打(啥|什么)药|喷(啥|什么)|治疗|防治|咋办/],
  ['timing', /(啥|什么)时候|何时|几月|哪天|多会|啥时|什么时间|啥时间|几点|多久|多长时间|几天/],
  ['amount', /多少|用量|几斤|几公斤|几克|几度|多大|多深|多高|多宽|多厚|多长|多远|多密|浓度|比例|亩用|几成|几倍|几棵|几株/],
];

const UNIT = '(°c|斤|公斤|千克|克|毫克|毫升|升|吨|亩|平方米|立方米|厘米|毫米|米|度|℃|%|％|倍|株|棵|粒|万|元|头|只|尾|天|小时|分钟|次|个|成|ppm|mg|kg|ml|cm|g)';

const ANSWERS: Record<AnswerKind, RegExp> = {
  definition: /是指|指的是|所谓|称为|叫做|叫作|是一种|是一类|是由|的简称|又叫|又称|俗称|就是|即[是为]?[^。]{2,}|定义|是[^。；\n]{1,40}(的|地方|站|点|服务|技术|方法|办法|制度|平台|工程)/,
  // two or more enumerated items: "一是…二是", "（1）", numbered or bulleted lines, "①", or "甲、乙、丙"
  list: /[一二三四五六七八九十]是|[（(]\s*[1-9一二三四五六][)）]|(^|\n)\s*([1-9][.、．)）]|[-*•])|[①②③④⑤⑥]|第[一二三四]|[^、，。\n]{1,14}、[^、，。\n]{1,14}、/m,
  cause:
    // naming the disease or pest is the answer to "咋回事" about a crop or an animal
    /因为|由于|原因|引起|导致|造成|所致|诱发|病|虫|螨|蛾|菌|毒|侵染|感染|缺[乏少]?[氮磷钾铁锌硼钙镁锰水氧肥]|过[多高低大量旱湿密深浅早晚]|不足|偏[高低多少]|受[害冻涝旱热]|危害|药害|冻害|热害/,
  treatment:
    /喷|用药|药剂|杀菌剂|杀虫剂|除草剂|唑|菌酯|霉素|波尔多|氯|灌根|拌种|泼洒|浸泡|注射|治疗|防治|措施|方法|办法|做法|步骤|及时|立即|马上|尽快|应当|应该|可以|可用|建议|先[^。]{1,30}再|[1①][、.．)）]|一是|增氧|换水|加注|停[喂食料]|隔离|消毒|补[施种苗]|追施|浇水|排水|摘除|拔除|清除|深埋|焚烧|轮作|选用|处理|交给|报告|上报|打电话|联系|找兽医|送到/,
  timing:
    /\d+月|[上中下]旬|日龄|春季|秋季|冬季|夏季|春秋|立[春夏秋冬]|落叶|萌芽|前后|以后|之前|期间|时期|\d+\s*(天|日|周|小时|个月)|叶期|播[种后前]|收获前|出苗|开花|抽穗|灌浆|苗期|花期|早晨|傍晚|晚上|中午|清明|谷雨|芒种|夏至|白露|秋分|寒露|霜降|冬至|[一二两三四五六七八九十]+(天|周|个月|年)/,
  amount: new RegExp(`\\d+(\\.\\d+)?\\s*([-~～到至]\\s*\\d+(\\.\\d+)?\\s*)?${UNIT}|[一二两三四五六七八九十百千万半]+\\s*(斤|公斤|千克|克|毫升|厘米|度|倍|成|寸|尺)`, 'i'),
};

/** The kinds of answer a question asks for, from its wording, in the order listed above (none when it does not say). */
export function answerKindsOf(question: string): AnswerKind[] {
  return ASKS.filter(([, re]) => re.test(question)).map(([kind]) => kind);
}

/** The first kind of answer a question asks for. */
export function answerKindOf(question: string): AnswerKind | undefined {
  return answerKindsOf(question)[0];
}

/** True when a passage holds the kind of answer asked for. */
export function answers(kind: AnswerKind, text: string): boolean {
  // "政府购买服务是咋回事": outside crops and animals, saying what a thing is answers what it is about
  if (kind === 'cause') return ANSWERS.cause.test(text) || ANSWERS.definition.test(text);
  return ANSWERS[kind].test(text);
}

/** True when the passage holds any of the asked kinds; null when the question asks for no kind in particular. */
export function answersAnyOf(kinds: AnswerKind[], text: string): boolean | null {
  if (!kinds.length) return null;
  return kinds.some((k) => answers(k, text));
}

/**
 * Whether the passage is about the crop or animal the question names: null when the question names none
 * or the passage names none (a general passage, "农药中毒急救", may still answer); false when the passage
 * names others but not the asked one ("玉米" asked, a soybean passage).
 * `asked` are the question's commodity words in their standard form; `aliases` gives each one's other names.
 * One-character names ("鱼", "猪") count only in the passage's title and headings, where they say what the
 * passage is about ("常见鱼病防治" for a question about pigs); in running text they sit inside other words.
 */
export function speciesMatch(
  asked: string[], passage: string, known: Iterable<string>, aliases: (w: string) => string[], headings = '',
): boolean | null {
  if (!asked.length) return null;
  const names = (w: string) => [w, ...aliases(w)];
  if (asked.some((w) => names(w).some((n) => passage.includes(n)))) return true;
  for (const other of known) {
    if (asked.includes(other)) continue;
    if (names(other).some((n) => (n.length > 1 ? passage.includes(n) : headings.includes(n)))) return false;
  }
  // an animal asked (生猪, 山羊, 蛋鸡) and a heading about another kind of animal only ("常见鱼病防治" for pig parasites)
  const askedKinds = ANIMAL_KINDS.filter((k) => asked.some((w) => names(w).some((n) => n.includes(k))));
  const shown = headings.replace(NOT_A_KIND, '');
  if (askedKinds.length && !askedKinds.some((k) => shown.includes(k)) && ANIMAL_KINDS.some((k) => shown.includes(k))) return false;
  return null;
}

/** One-character kinds of animal: in a heading they say which animals a passage is about. */
const ANIMAL_KINDS = ['猪', '牛', '羊', '鸡', '鸭', '鹅', '兔', '鱼', '虾', '蟹'];
/** Place and product names holding such a character without being about the animal. */
const NOT_A_KIND = /鱼台|鸡粪|猪粪|牛粪|羊粪|鸭粪/g;
