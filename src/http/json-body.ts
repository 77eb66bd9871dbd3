import type { FastifyInstance } from 'fastify';
import { badRequest, HttpError } from './errors.ts';

// Keys that name an object's prototype: JSON.parse keeps them as plain own keys, but a later assignment
// (obj[key] = …, a merge, a spread into a class) may turn them into a prototype change. No route of the API
// has such a field, so a body holding one is refused, naming where it is, instead of the parser's
// "not valid JSON" (the JSON is valid) or a half-checked object.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The path of the first forbidden key in a parsed JSON value ("from.__proto__"), or undefined. */
export function forbiddenKeyPath(value: unknown, path: string[] = [], depth = 0): string | undefined {
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = forbiddenKeyPath(v, [...path, String(i)], depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return [...path, key].join('.');
    const found = forbiddenKeyPath((value as Record<string, unknown>)[key], [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** What to tell a caller whose body holds a forbidden key. */
export function forbiddenKeyMessage(path: string): string {
  return `请求内容里不能有名为 __proto__、constructor 或 prototype 的字段（出现在 ${path.slice(0, 80)}），请去掉后重发`;
}

/** Parse a JSON text for a request: invalid JSON and forbidden keys are 400s that say which. */
export function parseJsonBody(text: string): unknown {
  if (!text.trim()) throw badRequest('请求体是空的，请发送 JSON 内容', 'invalid_json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'invalid_json', '请求体不是有效的 JSON，请检查括号、引号和逗号', { cause: err });
  }
  const path = forbiddenKeyPath(value);
  if (path) throw badRequest(forbiddenKeyMessage(path), 'forbidden_key');
  return value;
}

/** The app's JSON parser (replacing Fastify's, whose refusal of these keys reads "not valid JSON"). */
export function registerJsonBody(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
