import { halfWidthDigits } from './phone.ts';

// Personal numbers a farmer may write into a question ("…联系138 1234 5671", "身份证370811…"): mobile
// numbers, 18/15-digit ID-card numbers and 16–19-digit bank-card numbers, however they are written (spaces,
// dashes, dots, full-width digits, +86). Expert views mask them; the knowledge base never keeps them, since
// everything in it is shown to other experts and quoted to anonymous farmers.

const D = '[0-9\\uFF10-\\uFF19]';
const DX = '[0-9\\uFF10-\\uFF19Xx\\uFF38\\uFF58]';
/** one separator between digit groups: a space, a dash, a dot, an ideographic space */
const S = '[ \\-\\u2010-\\u2015\\uFF0D.\\u00B7\\u3000]';
const BEFORE = `(?<!${D})`;
const AFTER = `(?!${D})`;

/** 18-digit (last may be X) ID numbers, whole or as 6-8-4; the older 15-digit ones. */
const ID_CARD = new RegExp(`${BEFORE}(?:${D}{6}${S}?${D}{8}${S}?${D}{3}${DX}|${D}{15})(?!${DX})`, 'g');
/** 16 to 19 digits, whole or in groups of four: every bank card in China. */
const BANK_CARD = new RegExp(`${BEFORE}(?:${D}{16,19}|${D}{4}(?:${S}${D}{4}){3}(?:${S}${D}{1,3})?)${AFTER}`, 'g');
/** A mainland mobile, whole or as 3-4-4, with or without +86 / 0086 / 86 in front. */
const MOBILE = new RegExp(
  `${BEFORE}(?:(?:\\+|\\uFF0B|00|\\uFF10\\uFF10)?(?:86|\\uFF18\\uFF16)${S}?)?[1\\uFF11][3-9\\uFF13-\\uFF19]${D}${S}?${D}{4}${S}?${D}{4}${AFTER}`,
  'g',
);

export type PiiKind = 'mobile' | 'id_card' | 'bank_card';

function digitsOf(match: string): string {
  return halfWidthDigits(match.replace(/[\uFF38\uFF58]/g, 'X')).replace(/[^\dXx]/g, '');
}

function mask(kind: PiiKind, match: string): string {
  let d = digitsOf(match);
  if (kind === 'mobile') {
    d = d.replace(/^(0086|86)(?=1\d{10}$)/, '');
    return `${d.slice(0, 3)}****${d.slice(-4)}`;
  }
  if (kind === 'id_card') return `${d.slice(0, 3)}${'*'.repeat(d.length - 7)}${d.slice(-4)}`;
  return `${d.slice(0, 4)} **** **** ${d.slice(-4)}`;
}

const PLACEHOLDER: Record<PiiKind, string> = {
  mobile: '（电话已隐去）',
  id_card: '（身份证号已隐去）',
  bank_card: '（银行卡号已隐去）',
};

// Longest first: an ID number also holds eleven digits that look like a mobile.
const PASSES: [PiiKind, RegExp][] = [['id_card', ID_CARD], ['bank_card', BANK_CARD], ['mobile', MOBILE]];

function replaceAll(text: string, replace: (kind: PiiKind, match: string) => string): string {
  let out = text;
  for (const [kind, re] of PASSES) out = out.replace(re, (m) => replace(kind, m));
  return out;
}

/** Phone, ID-card and bank-card numbers masked (138****5671, 370***********1234, 6222 **** **** 1234). */
export function maskPii(text: string): string;
export function maskPii(text: string | null | undefined): string | null;
export function maskPii(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  return replaceAll(text, mask);
}

/** The same numbers removed, leaving a note of what was there: for text that is kept and shown to others. */
export function scrubPii(text: string): string {
  return replaceAll(text, (kind) => PLACEHOLDER[kind]);
}

/** Which kinds of personal number a text holds (for tests and logs). */
export function findPii(text: string): PiiKind[] {
  const found: PiiKind[] = [];
  let rest = text;
  for (const [kind, re] of PASSES) {
    const next = rest.replace(re, ' ');
    if (next !== rest) found.push(kind);
    rest = next;
  }
  return found;
}
