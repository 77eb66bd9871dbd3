import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type SmsPhone = {
  ok: true;
  /** how the project keys people: an 11-digit mainland mobile, or E.164 for a number abroad */
  key: string;
  /** what gateways get: E.164 (+8613800138000) */
  e164: string;
} | { ok: false; reason: string };

/**
 * A phone number that can receive SMS, read the ways gateways and people write it (13800138000,
 * +86 138 0013 8000, 008613800138000, 8613800138000). Mainland mobiles keep the 11-digit form the rest of the
 * project uses (conversations, 代问, accounts), so an SMS farmer and an API farmer with one number match.
 */
export function parseSmsPhone(raw: unknown): SmsPhone {
  if (typeof raw !== 'string' || !raw.trim()) return { ok: false, reason: '缺少手机号' };
  // libphonenumber's full metadata costs ~0.1 ms a parse, several times a message: remember recent numbers.
  const cached = recent.get(raw);
  if (cached) return cached;
  const result = parse(raw);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(raw, result);
  return result;
}

const RECENT_MAX = 5000;
const recent = new Map<string, SmsPhone>();

function parse(raw: string): SmsPhone {
  const text = raw.trim();
  if (text.length > 32 || !/^[+\d\s\-().]+$/.test(text)) return { ok: false, reason: `“${text.slice(0, 32)}”不是手机号` };
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

/** 138****1234 for logs and expert views. */
export function maskPhone(phone: string): string {
  const d = phone.replace(/^\+86/, '');
  return d.length >= 7 ? `${d.slice(0, 3)}****${d.slice(-4)}` : '****';
}
