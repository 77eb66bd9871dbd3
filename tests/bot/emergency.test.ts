import path from 'node:path';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectEmergency, emergencyByRules } from '../../src/bot/emergency.ts';
import { checkEmergencyModel, classifyEmergency, type EmergencyModel } from '../../src/bot/emergency-model.ts';
import { loadEmergencyModel } from '../../src/bot/emergency-model-file.ts';
import { features } from '../../src/bot/intent-model.ts';
import { loadSlotLexicon, type SlotLexicon } from '../../src/bot/lexicon.ts';
import { extractSlots } from '../../src/bot/slots.ts';
import { loadTokenizer } from '../../src/knowledge/index.ts';
import type { ChineseTokenizer } from '../../src/knowledge/tokenizer.ts';

const SEEDS = path.join(import.meta.dirname, '..', '..', 'seeds');
let model: EmergencyModel;
let lexicon: SlotLexicon;
let tokenizer: ChineseTokenizer;
beforeAll(async () => {
  [model, lexicon, tokenizer] = await Promise.all([loadEmergencyModel(SEEDS), loadSlotLexicon(SEEDS), loadTokenizer(SEEDS)]);
}, 60_000);

const read = (text: string) => classifyEmergency(model, (r) => features(r, tokenizer.cut(r), extractSlots(r, lexicon, new Date('2026-11-28T04:00:00Z'))), text);
const detect = (text: string) => detectEmergency(text, read);

// These phrasings are the project's own (neither the training file's nor a held-out set's).
describe('the shipped emergency detector', () => {
  it('finds emergencies no rule was written for', () => {
    for (const [text, kind] of [
      ['俺爹在棚里喷完药就躺地上起不来了', 'pesticide-poisoning'],
      ['大清早塘边一圈鱼嘴巴一张一张的', 'fish-hypoxia'],
      ['大棚让雪压塌了 里面还有人', 'lightning-flood'],
    ] as const) {
      expect(emergencyByRules(text), text).toBeUndefined();
      expect(detect(text), text).toBe(kind);
    }
  });

  it('the rules read indirect tellings: a spray then a person ill, a drink bottle, someone down by a live pump, a flood coming, a gas victim not waking', () => {
    for (const [text, kind] of [
      ['老伴打了一上午药 现在浑身哆嗦说不出话', 'pesticide-poisoning'],
      ['俺爹喷完棉花地 回来说看东西发花 直冒冷汗', 'pesticide-poisoning'],
      ['孩子把地头那半瓶绿色的水当饮料喝了', 'pesticide-poisoning'],
      ['拉电给大棚浇水 俺哥手碰了水泵一下就倒了', 'lightning-flood'],
      ['水库放水 下游的地眼看要冲了', 'lightning-flood'],
      ['俺爹看棚在小屋里生着煤炉睡觉 早上喊他不醒', 'gas-poisoning'],
      ['牛夜里倒了 嘴里往外淌黑血', 'animal-disease'],
    ] as const) expect(emergencyByRules(text), text).toBe(kind);
    for (const text of ['为啥打雷的时候不能站大树底下', '村里通知转移户口到镇上', '猪打针的地方流血不凝', '兔子死了两只 剩下的都好好的 是不是天太热']) {
      expect(detect(text), text).toBeUndefined();
    }
  });

  it('keeps what the rules find in plain emergencies', () => {
    expect(detect('鱼塘早上鱼都浮头了咋办')).toBe('fish-hypoxia');
    expect(detect('打完药头晕恶心直冒汗')).toBe('pesticide-poisoning');
    expect(detect('鸡棚里一宿死了二十多只')).toBe('animal-disease');
  });

  it('reads a bloated cow as no outbreak, unless animals are dying besides', () => {
    expect(detect('牛啃了半天湿苜蓿 这会儿左肚子胀得跟鼓一样')).toBeUndefined();
    expect(detect('羊肚子胀气 喘不上来')).toBeUndefined();
    expect(detect('一圈羊都胀肚 已经死了三只')).toBe('animal-disease');
  });

  it('overrules a rule when the message only asks about an emergency that is over', () => {
    for (const text of ['鱼浮头的时候能撒药吗']) {
      expect(emergencyByRules(text), text).toBe('fish-hypoxia');
      expect(detect(text), text).toBeUndefined();
    }
  });

  it('a question about heading an emergency off is none, by the rules already', () => {
    for (const text of ['咋预防鱼浮头', '闷热天鱼塘咋防泛塘', '天热了要不要提前开增氧机防浮头']) {
      expect(emergencyByRules(text), text).toBeUndefined();
      expect(detect(text), text).toBeUndefined();
    }
  });

  it('a question asking for planning, a purchase or general knowledge is none, whatever words it shares with one', () => {
    for (const text of ['去年泛塘死了一塘鱼 今年想买个发电机', '鱼塘老停电 平时备点啥', '浮头和泛塘有啥区别', '非洲猪瘟是咋传的 想了解下']) {
      expect(emergencyByRules(text), text).toBeUndefined();
      expect(detect(text), text).toBeUndefined();
    }
    // a poisoning that looks mild is still one: 百草枯 and 敌草快 harm later
    expect(emergencyByRules('孩子喝了口敌草快 现在看着没事')).toBe('pesticide-poisoning');
    expect(emergencyByRules('俺娘误喝了一口百草枯 还没出事 以防万一问问')).toBe('pesticide-poisoning');
  });

  it('dead fish to bury or sell, none suffocating, are for the disposal card, not the pond’s first aid', () => {
    expect(emergencyByRules('塘里死了二十来条鱼 挖坑埋的话埋多深')).toBe('dead-animals');
    expect(emergencyByRules('死鱼漂了一层 剩下的还在水面张嘴')).toBe('fish-hypoxia');
  });

  it('asking what to do ("…了怎么办") does not make an emergency a question: the classifier reads past the ending', () => {
    for (const [text, kind] of [
      ['农药中毒了怎么办', 'pesticide-poisoning'],
      ['俺娘误喝农药了怎么办', 'pesticide-poisoning'],
      ['鱼浮头了怎么办', 'fish-hypoxia'],
      ['塘里鱼都浮头了咋弄啊', 'fish-hypoxia'],
    ] as const) {
      expect(read(text).vetoed, text).toBe(false);
      expect(detect(text), text).toBe(kind);
    }
  });

  it('counts the classifier’s kind only when the message names its subject: 拉稀跟水似的 is no pond', () => {
    expect(detect('小猪拉稀跟水似的还吐')).toBeUndefined();
  });

  it('leaves ordinary questions alone', () => {
    for (const text of ['小麦啥时候浇越冬水', '猪肉多少钱一斤', '宅基地能卖吗', '俺想申请农机购置补贴']) expect(detect(text), text).toBeUndefined();
  });

  it('a person felled by a stove’s gas in a shed, a cellar or a biogas pit is the gas card’s, by the rules already', () => {
    for (const text of [
      '棚里生着炉子 俺爹看了一夜棚 现在叫不醒',
      '蘑菇棚里烧着炭火 俺进去一会就头痛恶心',
      '俺娘下白菜窖拿菜 人下去半天没上来',
      '好像中了煤气 人在菜棚里迷迷糊糊的',
    ]) {
      expect(emergencyByRules(text), text).toBe('gas-poisoning');
      expect(detect(text), text).toBe('gas-poisoning');
    }
    // a fumigant's fumes are the pesticide card's (the label goes to the hospital)
    expect(emergencyByRules('棚里熏完烟剂 俺进去就头晕恶心')).not.toBe('gas-poisoning');
  });

  it('a stove, a cellar or a biogas pit with nobody felled is no emergency', () => {
    for (const text of ['大棚里生煤炉 烟囱往哪边出好', '煤气中毒一般有啥症状', '鸡舍里生炉子 鸡会不会中煤气', '沼气池一年清几回', '大风把烟囱刮倒了 咋修']) {
      expect(detect(text), text).toBeUndefined();
    }
  });

  it('a dead animal, a pesticide or water in an ordinary question is no emergency', () => {
    for (const text of [
      '前天死了一只小鸭 剩下的精神着呢 要喂药不',
      '没用完的农药咋放 家里有老人孩子',
      '地里浇水一次浇多少合适',
      '黄瓜打药打中毒了 叶子起黄斑',
      '马铃薯是不是晚疫病 叶子发黑',
      '母猪生完小猪躺着不起来 就这一头',
      '农药喝了能救过来不 俺就是问问',
      '前天下大雨 棉花地泡了一宿 会减产不',
    ]) {
      expect(detect(text), text).toBeUndefined();
    }
  });

  it('without a model the rules decide alone', () => {
    expect(detectEmergency('鱼浮头的时候能撒药吗')).toBe('fish-hypoxia');
    expect(detectEmergency('俺爹在棚里喷完药就躺地上起不来了')).toBeUndefined();
  });
});

describe('the emergency model file', () => {
  it('a broken or missing file stops the start with the command that rebuilds it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'emergency-model-'));
    await expect(loadEmergencyModel(dir)).rejects.toThrow(/npm run emergency:fit/);
    await import('node:fs/promises').then((fs) => fs.mkdir(path.join(dir, 'emergency')));
    await writeFile(path.join(dir, 'emergency', 'model.json'), '{"version":1,"threshold":0.8}');
    await expect(loadEmergencyModel(dir)).rejects.toThrow(/坏了：请运行 npm run emergency:fit/);
  });

  it('refuses classes that are not the six emergencies and none', () => {
    const classes = model.classifier.classes.map((c) => (c === 'lightning-flood' ? 'weather' : c));
    expect(() => checkEmergencyModel({ ...model, classifier: { ...model.classifier, classes } }, 'x.json')).toThrow(/类别应是/);
    expect(() => checkEmergencyModel({ ...model, classifier: { ...model.classifier, logPrior: [] } }, 'x.json')).toThrow(/emergency:fit/);
    expect(() => checkEmergencyModel({ ...model, veto: 0 }, 'x.json')).toThrow(/emergency:fit/);
  });
});
