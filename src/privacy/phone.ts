import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

// The one phone module: how numbers are read (a contact number on a post, a mobile that receives SMS), the
// key the project stores them under (an 11-digit mainland mobile), and how they are shown masked
// (138****5671) to anyone who is not their owner.

const MOBILE = /^1[3-9]\d{9}$/;
// Area code (010, 02x, or 0 + three digits) and a 7–8 digit local number that doesn't start with 0 or 1.
const LANDLINE = /^(010|02\d|0[3-9]\d{2})([2-9]\d{6,7})$/;
/** Full-width digits and plus as typed on a Chinese keyboard: ０-９ → 0-9, ＋ → +. */
const FULL_WIDTH = /[\uFF10-\uFF19\uFF0B]/g;

export function halfWidthDigits(text: string): string {
  return text.replace(FULL_WIDTH, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
}

export type PhoneResult = { ok: true; phone: string } | { ok: false; reason: string };

/**
 * A contact number: an 11-digit mainland mobile (kept as 11 digits) or a landline with its area code
 * (kept as 0537-1234567). Spaces, dashes, brackets, full-width digits and a +86 prefix are accepted.
 */
export function normalizePhone(text: string | undefined): PhoneResult {
  const raw = text === undefined || text === null ? '' : String(text).replace(/\s+/g, ' ').trim();
  if (!raw) return { ok: false, reason: '缺少联系电话' };
  let digits = halfWidthDigits(raw).replace(/[\s\-()（）－—.]/g, '');
  digits = digits.replace(/^(\+86|0086)/, '');
  if (!/^\d+$/.test(digits)) return { ok: false, reason: `联系电话“${raw}”里有数字以外的字符` };
  if (MOBILE.test(digits)) return { ok: true, phone: digits };
  const landline = LANDLINE.exec(digits);
  if (landline) return { ok: true, phone: `${landline[1]}-${landline[2]}` };
  if (/^[2-9]\d{6,7}$/.test(digits)) {
    return { ok: false, reason: `座机号码“${raw}”请带上区号，例如 0537-1234567` };
  }
  return { ok: false, reason: `联系电话“${raw}”不对：手机号应为 1 开头的 11 位数字，座机请写区号加号码，如 0537-1234567` };
}

/** An 11-digit mainland mobile, or undefined: the key conversations, 代问 and accounts use. */
export function mobileKey(text: string | undefined): string | undefined {
  const r = normalizePhone(text);
  return r.ok && MOBILE.test(r.phone) ? r.phone : undefined;
}

export type SmsPhone = {
  ok: true;
  /** how the project keys people: an 11-digit mainland mobile, or E.164 for a number abroad */
  key: string;
  /** what gateways get: E.164 (+8613800138000) */
  e164: string;
} | { ok: false; reason: string };

/**
 * A phone number that can receive SMS, read the ways gateways and people write it (13800138000,
 * +86 138 0013 8000, 008613800138000, 8613800138000). Mainland mobiles keep the 11-digit key, so an SMS
 * farmer and an API farmer with one number match.
 */
export function parseSmsPhone(raw: unknown): SmsPhone {
  if (typeof raw !== 'string' || !raw.trim()) return { ok: false, reason: '缺少手机号' };
  // libphonenumber's full metadata costs ~0.1 ms a parse, several times a message: remember recent numbers.
  const cached = recent.get(raw);
  if (cached) return cached;
  const result = parseSms(raw);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(raw, result);
  return result;
}

const RECENT_MAX = 5000;
const recent = new Map<string, SmsPhone>();

function parseSms(raw: string): SmsPhone {
  const text = halfWidthDigits(raw.trim());
  if (text.length > 32 || !/^[+\d\s\-().]+$/.test(text)) return { ok: false, reason: `“${raw.trim().slice(0, 32)}”不是手机号` };
  // A bare "86…" with 13 digits is a mainland number written without the plus.
  const digits = text.replace(/[\s\-().]/g, '');
  const candidate = /^861\d{10}$/.test(digits) ? `+${digits}` : digits.replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(candidate, 'CN');
  if (!parsed || !parsed.isValid()) return { ok: false, reason: `“${text}”不是有效的手机号` };
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') {
    return { ok: false, reason: `“${text}”不是手机号，收不到短信` };
  }
  const key = parsed.country === 'CN' ? String(parsed.nationalNumber) : parsed.number;
  return { ok: true, key, e164: parsed.number };
}

/** 13812341234 (or +86 138 1234 1234) → 138****1234: enough to tell farmers apart, not to call them. */
export function maskPhone(phone: string): string;
export function maskPhone(phone: string | null | undefined): string | null;
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = halfWidthDigits(phone).replace(/\D/g, '').replace(/^(0086|86)(?=1\d{10}$)/, '');
  if (digits.length < 7) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
