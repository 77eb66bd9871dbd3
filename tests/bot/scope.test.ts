import { expect, it } from 'vitest';
import { isClearlyOffTopic } from '../../src/bot/scope.ts';

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
