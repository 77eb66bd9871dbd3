// A price as a machine owner or an officer quotes it ("80元/亩", "一亩八十块", "一天300", "面议"), written back
// in one form ("80元/亩"). Anything else is not read at all: the caller asks again instead of guessing a number.

const UNITS = ['亩', '天', '小时', '晌', '趟', '车', '袋', '吨', '斤', '公斤', '台', '次'];
const UNIT = `(${UNITS.join('|')})`;
const NUM = '(\\d+(?:\\.\\d+)?(?:\\s*[-~到至]\\s*\\d+(?:\\.\\d+)?)?)';
const YUAN = '(?:元|块钱|块)?';

const DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const POWERS: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/** 八十 → 80, 一百二 → 120, 三千五 → 3500; undefined when it is not a number in characters. */
export function chineseNumber(text: string): number | undefined {
  if (!/^[零一二两三四五六七八九十百千万]+$/.test(text)) return undefined;
  let total = 0;
  let digit: number | undefined;
  let lastPower = 1;
  for (const ch of text) {
    if (ch in DIGITS) {
      digit = DIGITS[ch];
      continue;
    }
    const power = POWERS[ch];
    total += (digit ?? 1) * power;
    lastPower = power;
    digit = undefined;
  }
  // "一百二" means 120: a trailing digit counts in the place below the last power
  if (digit !== undefined) total += lastPower > 1 ? digit * (lastPower / 10) : digit;
  return total;
}

function arabic(text: string): string {
  return text.replace(/[零一二两三四五六七八九十百千万]+/g, (m) => {
    const n = chineseNumber(m);
    return n === undefined ? m : String(n);
  });
}

/** The price in one form, or undefined when it is not a price we can read. */
export function parseQuotedPrice(raw: string): string | undefined {
  const text = arabic(raw.replace(/\s+/g, '').replace(/每/g, '一').replace(/[／]/g, '/')).replace(/个/g, '');
  if (/^(价格)?(面议|商量|电话商量|好商量|议价|协商)$/.test(text)) return '面议';
  if (/[-－−]\d/.test(text) && !/\d[-~到至]\d/.test(text)) return undefined;
  const forms: RegExp[] = [
    new RegExp(`^${NUM}${YUAN}(?:/|一|1)${UNIT}(地)?$`), // 80元/亩, 80块一亩
    new RegExp(`^(?:一|1)${UNIT}(?:地)?${NUM}${YUAN}$`), // 一亩80, 一天300块
  ];
  for (const [i, form] of forms.entries()) {
    const m = form.exec(text);
    if (!m) continue;
    const [num, unit] = i === 0 ? [m[1], m[2]] : [m[2], m[1]];
    const amount = num.replace(/\s/g, '').replace(/[~到至]/, '-');
    if (amount.split('-').some((n) => !(Number(n) > 0) || Number(n) > 100_000)) return undefined;
    return `${amount}元/${unit}`;
  }
  return undefined;
}
