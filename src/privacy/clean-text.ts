// Text from outside (a farmer's phone, a browser, a gateway, an integration) may carry what PostgreSQL and
// JSON cannot hold: NUL (text columns refuse it) and lone UTF-16 surrogates (jsonb and UTF-8 refuse them).
// Every entry point passes what it received through here once, so nothing deeper has to care.

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Whether a string holds something the store cannot keep as it is. */
export function isUnsafeText(s: string): boolean {
  NUL.lastIndex = 0;
  LONE_SURROGATE.lastIndex = 0;
  return NUL.test(s) || LONE_SURROGATE.test(s);
}

/** NUL removed, a lone surrogate replaced by U+FFFD (as a UTF-8 decoder does with a broken byte). */
export function cleanText(s: string): string {
  if (!isUnsafeText(s)) return s;
  return s.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');
}

// Control characters a person never means to send (C0 but tab and line breaks, DEL, C1), and the replacement
// mark a decoder leaves where a character was broken.
// eslint-disable-next-line no-control-regex
const UNREADABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/g;

/**
 * A person's message (a farmer's SMS, a chat line, an integration's relay) as it is stored and read: lone
 * surrogates, NUL and the other control characters removed, whatever is left kept as it was. A text that
 * cleans to nothing is still a message: the turn answers it by asking to resend, never refuses it.
 */
export function cleanMessageText(s: string): string {
  return s.replace(LONE_SURROGATE, '').replace(UNREADABLE, '');
}

/**
 * Every string in a parsed JSON value, query or params object cleaned, keys too. Objects are changed in
 * place (they were just parsed for this request); the cleaned value is returned for strings.
 */
export function cleanDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (value === null || typeof value !== 'object' || depth > 64 || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = cleanDeep(value[i], depth + 1);
    return value;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const cleanKey = cleanText(key);
    const v = cleanDeep(obj[key], depth + 1);
    if (cleanKey !== key) {
      delete obj[key];
      obj[cleanKey] = v;
    } else if (v !== obj[key]) {
      obj[key] = v;
    }
  }
  return value;
}
