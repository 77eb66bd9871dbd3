import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';

// Zod's own messages are English ("Invalid input: expected number, received NaN"). Farmers and officers read
// ours, so every issue a schema does not word itself is written here in plain Chinese, naming the field and
// saying what it should be: "limit 应该是 1 到 50 之间的整数".

type Issue = z.core.$ZodRawIssue;
type AnySchema = z.core.$ZodType;
type Check = { _zod: { def: { check: string; value?: unknown; inclusive?: boolean; minimum?: number; maximum?: number; length?: number; format?: string } } };

const FORMATS: Record<string, string> = {
  uuid: '编号（UUID 格式，如 0b7c1f2e-…）', guid: '编号（UUID 格式）', email: '电子邮箱地址', url: '网址',
  datetime: '日期时间（如 2026-11-28T08:00:00+08:00）', date: '日期（如 2026-11-28）', time: '时间（如 08:30）',
  regex: '规定格式的文字', ipv4: 'IP 地址', ipv6: 'IP 地址', int32: '整数', safeint: '整数', int64: '整数',
};

function checksOf(schema: AnySchema): Check[] {
  return ((schema._zod.def as { checks?: Check[] }).checks ?? []);
}

function bounds(schema: AnySchema): { min?: number; max?: number; int: boolean; len?: number; format?: string } {
  const out: { min?: number; max?: number; int: boolean; len?: number; format?: string } = { int: false };
  for (const c of checksOf(schema)) {
    const d = c._zod.def;
    if (d.check === 'greater_than') out.min = Number(d.value) + (d.inclusive ? 0 : 1);
    else if (d.check === 'less_than') out.max = Number(d.value) - (d.inclusive ? 0 : 1);
    else if (d.check === 'min_length') out.min = d.minimum;
    else if (d.check === 'max_length') out.max = d.maximum;
    else if (d.check === 'length_equals') out.len = d.length;
    else if (d.check === 'number_format') out.int = /int/.test(d.format ?? '');
    else if (d.check === 'string_format') out.format = d.format;
  }
  return out;
}

function range(min: number | undefined, max: number | undefined, unit: string): string {
  if (min !== undefined && max !== undefined) return `${min} 到 ${max}${unit}`;
  if (min !== undefined) return `不少于 ${min}${unit}`;
  if (max !== undefined) return `不超过 ${max}${unit}`;
  return '';
}

/** What a value of this schema looks like, in words: "1 到 50 之间的整数", "不超过 200 个字的文字". */
export function describeSchema(schema: AnySchema | undefined, depth = 0): string {
  if (!schema || depth > 8) return '正确的值';
  const def = schema._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema; out?: AnySchema; entries?: Record<string, unknown>; values?: unknown[]; element?: AnySchema; options?: AnySchema[] };
  switch (def.type) {
    case 'optional': case 'nullable': case 'default': case 'prefault': case 'catch': case 'readonly': case 'nonoptional':
      return describeSchema(def.innerType, depth + 1);
    case 'pipe':
      return describeSchema(def.in?._zod.def.type === 'transform' ? def.out : def.in, depth + 1);
    case 'number': case 'bigint': {
      const b = bounds(schema);
      const kind = b.int ? '整数' : '数字';
      const r = range(b.min, b.max, '');
      return r ? (b.min !== undefined && b.max !== undefined ? `${r} 之间的${kind}` : `${r}的${kind}`) : kind;
    }
    case 'string': {
      const b = bounds(schema);
      if (b.format && FORMATS[b.format]) return FORMATS[b.format];
      if (b.len !== undefined) return `${b.len} 个字的文字`;
      const r = range(b.min, b.max, ' 个字');
      return r ? `${r}的文字` : '文字';
    }
    case 'boolean': return 'true 或 false';
    case 'date': return '日期';
    case 'enum': return `下列之一：${Object.values(def.entries ?? {}).join('、')}`;
    case 'literal': return (def.values ?? []).map(String).join(' 或 ');
    case 'array': {
      const b = bounds(schema);
      const r = range(b.min, b.max, ' 项');
      return r ? `列表（${r}）` : '列表';
    }
    case 'object': case 'record': return '对象（JSON 的 {…}）';
    case 'union': return (def.options ?? []).map((o) => describeSchema(o, depth + 1)).join('，或');
    default: return '正确的值';
  }
}

function fieldOf(issue: Pick<Issue, 'path'>): string {
  const path = (issue.path ?? []).map(String);
  return path.length ? path.join('.') : '请求内容';
}

/** "应该是" + what, with a space before a number or a Latin word as Chinese typesetting has it. */
const shouldBe = (what: string) => (/^[\x21-\x7e]/.test(what) ? `应该是 ${what}` : `应该是${what}`);

/** The Chinese message for one issue; a message the schema words itself is kept (zod gives it precedence). */
export function zhIssue(issue: Issue): string {
  const field = fieldOf(issue);
  const i = issue as Issue & Record<string, any>;
  switch (issue.code) {
    case 'invalid_type': {
      const what = describeSchema(i.inst as AnySchema | undefined);
      if (i.input === undefined) return `缺少 ${field}（${shouldBe(what)}）`;
      return `${field} ${shouldBe(what)}`;
    }
    case 'too_small': {
      const n = Number(i.minimum);
      if (i.origin === 'string') return n <= 1 ? `${field} 不能是空的` : `${field} 至少要 ${n} 个字`;
      if (i.origin === 'array' || i.origin === 'set') return `${field} 至少要 ${n} 项`;
      return `${field} 应该${i.inclusive === false ? '大于' : '不小于'} ${n}`;
    }
    case 'too_big': {
      const n = Number(i.maximum);
      if (i.origin === 'string') return `${field} 最多 ${n} 个字，现在太长了`;
      if (i.origin === 'array' || i.origin === 'set') return `${field} 最多 ${n} 项`;
      return `${field} 应该${i.inclusive === false ? '小于' : '不大于'} ${n}`;
    }
    case 'invalid_format':
      return `${field} ${shouldBe(FORMATS[i.format as string] ?? '规定格式的文字')}`;
    case 'invalid_value':
      return `${field} ${shouldBe((i.values as unknown[]).map(String).join('、'))} 之一`;
    case 'unrecognized_keys':
      return `${field === '请求内容' ? '' : `${field} 里`}有不认识的字段：${(i.keys as string[]).join('、')}，请去掉`;
    case 'invalid_union':
      return `${field} 的内容不对，请对照接口说明（/docs）`;
    case 'not_multiple_of':
      return `${field} 应该是 ${String(i.divisor)} 的整数倍`;
    case 'invalid_key': case 'invalid_element':
      return `${field} 里有不对的内容`;
    default:
      return `${field} 的内容不对`;
  }
}

/** Issues as one Chinese sentence for an error response: "limit 应该是 1 到 50 之间的整数；text 不能是空的". */
export function issuesMessage(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .map((issue) => {
      const where = issue.path.map(String).join('.');
      return !where || issue.message.includes(where) ? issue.message : `${where}：${issue.message}`;
    })
    .join('；');
}

/**
 * fastify-type-provider-zod's compiler with the Chinese messages above. Fastify wraps the returned list in
 * one FST_ERR_VALIDATION error, which the error handler answers with `issuesMessage`.
 */
export const zhValidatorCompiler: FastifySchemaCompiler<AnySchema> = ({ schema }) => (data) => {
  const result = (schema as z.ZodType).safeParse(data, { error: zhIssue });
  if (result.success) return { value: result.data };
  const validation = result.error.issues.map((issue) => ({
    keyword: issue.code,
    instancePath: `/${issue.path.map(String).join('/')}`,
    schemaPath: `#/${issue.path.map(String).join('/')}/${issue.code}`,
    message: issue.message,
    params: { path: issue.path.map(String) },
  }));
  return { error: validation as never };
};
