import { expect, it } from 'vitest';
import { isClearlyOffTopic, namesOffTopicSubject } from '../../src/bot/scope.ts';

it('a zodiac sign is off-topic even though its name holds a commodity (双鱼座 has 鱼)', () => {
  expect(isClearlyOffTopic('天蝎座和双鱼座配不配', { commodity: '鱼' })).toBe(true);
  expect(isClearlyOffTopic('金牛座今年运势咋样', {})).toBe(true);
});

it('a farming word left after the off-topic word keeps the question in scope', () => {
  expect(isClearlyOffTopic('大蒜股票能买不', { commodity: '大蒜' })).toBe(false);
  expect(isClearlyOffTopic('鱼塘边上能看电影不', { commodity: '鱼' })).toBe(false);
  expect(isClearlyOffTopic('嘉祥县哪天放电影', { county: '嘉祥县' })).toBe(false);
});

it('turns away only what shares nothing with the knowledge base and has no rural word', () => {
  expect(isClearlyOffTopic('帮我查查快递单号', {}, 0.02)).toBe(true);
  expect(isClearlyOffTopic('帮我查查快递单号', {}, 0.3)).toBe(false);
  expect(isClearlyOffTopic('俺家猪不吃食', {}, 0.01)).toBe(false);
});

it('names a topic of sport, fiction, phones, markets or games as off-topic, and keeps the farming ones', () => {
  for (const q of ['C罗那场进球是哪年', '孙悟空有几个师弟', '手机死机了咋弄', '今天大盘涨了没', '斗地主咋赢钱']) {
    expect(namesOffTopicSubject(q), q).toBe(true);
  }
  for (const q of ['开心农场里那种菜俺地里也能种不', '牛市场上牛价咋样', '猪八戒那样的大肥猪咋养']) {
    expect(namesOffTopicSubject(q), q).toBe(false);
  }
});
