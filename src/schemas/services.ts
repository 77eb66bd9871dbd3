import { z } from 'zod';

// Request and response shapes of the stations' services (machinery posts, 代购 orders, trainings, the
// provincial exchange). Validation of meaning (counties, phones, prices as quoted) is the domain's: these
// only say what arrives.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text as people type it: NUL bytes dropped, broken characters refused, trimmed, at most `max`. */
export const text = (label: string, max: number) =>
  z
    .string({ error: `${label}应为文字` })
    .transform((s) => s.replaceAll('\u0000', ''))
    .pipe(
      z.string()
        .refine((s) => !LONE_SURROGATE.test(s), `${label}里有无法识别的字符`)
        .transform((s) => s.trim())
        .pipe(z.string().max(max, `${label}最多 ${max} 个字`)),
    );
const required = (label: string, max: number) => text(label, max).pipe(z.string().min(1, `缺少${label}`));
const day = (label: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, `${label}应写成 2026-12-01`);

// --- posts (kind: machinery) ---
export const machineryPostBody = z.object({
  kind: z.literal('machinery'),
  side: z.enum(['offer', 'want'], { error: 'side 应为 offer（出租）或 want（求租）' }),
  machine: required('农机类型 (machine)', 30),
  owner: text('机主 (owner)', 30).optional(),
  county: required('县 (county)', 20),
  town: text('乡镇 (town)', 50).optional(),
  village: text('村 (village)', 50).optional(),
  price: text('价格 (price)', 50).optional(),
  contact: required('联系电话 (contact)', 32),
  availableFrom: day('availableFrom').optional(),
  availableTo: day('availableTo').optional(),
  expiresAt: z.string().max(40).optional(),
});
export const postBody = z.discriminatedUnion('kind', [machineryPostBody], {
  error: 'kind 应为 machinery（农机）',
});
export const postCreated = z.object({ id: z.string() });

export const postsQuery = z.object({
  kind: z.enum(['machinery'], { error: 'kind 应为 machinery（农机）' }),
  county: text('county', 20).optional(),
  town: text('town', 50).optional(),
  village: text('village', 50).optional(),
  machine: text('machine', 30).optional(),
  side: z.enum(['offer', 'want']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export const machineryPostView = z.object({
  id: z.string(),
  kind: z.literal('machinery'),
  side: z.enum(['offer', 'want']),
  machine: z.string(),
  machineText: z.string(),
  owner: z.string().nullable(),
  county: z.string(),
  town: z.string().nullable(),
  village: z.string().nullable(),
  price: z.string().nullable(),
  contact: z.string(),
  availableFrom: z.string().nullable(),
  availableTo: z.string().nullable(),
  postedAt: z.string(),
  expiresAt: z.string(),
});
export const postsList = z.object({ posts: z.array(machineryPostView) });

// --- orders ---
export const ORDER_STATUS_VALUES = ['requested', 'confirmed', 'arrived', 'collected', 'cancelled'] as const;
export const orderBody = z.object({
  phone: required('农户手机号 (phone)', 32),
  items: required('代购的东西 (items)', 200),
  quantity: z.number().positive('数量应大于 0').max(100_000).optional(),
  unit: text('单位 (unit)', 10).optional(),
  county: text('县 (county)', 20).optional(),
  station: text('益农信息社 (station)', 100).optional(),
});
export const orderCreated = z.object({ id: z.string(), status: z.literal('requested') });
export const ordersQuery = z.object({
  station: text('station', 100).optional(),
  status: z.enum(ORDER_STATUS_VALUES, { error: `status 应为 ${ORDER_STATUS_VALUES.join('、')} 之一` }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const orderView = z.object({
  id: z.string(),
  phone: z.string(),
  items: z.string(),
  quantity: z.number().nullable(),
  unit: z.string().nullable(),
  county: z.string().nullable(),
  station: z.string().nullable(),
  stationName: z.string().nullable(),
  channel: z.enum(['web', 'sms', 'api']),
  status: z.enum(ORDER_STATUS_VALUES),
  price: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  statusChangedAt: z.string(),
});
export const ordersList = z.object({ orders: z.array(orderView) });
export const orderStatusBody = z.object({
  status: z.enum(ORDER_STATUS_VALUES, { error: `status 应为 ${ORDER_STATUS_VALUES.join('、')} 之一` }),
  price: text('价格 (price)', 50).optional(),
  note: text('备注 (note)', 200).optional(),
});
export const orderChanged = orderView.extend({ told: z.object({ message: z.boolean(), sms: z.number(), smsError: z.string().optional() }) });

// --- trainings ---
export const trainingBody = z.object({
  topic: required('培训主题 (topic)', 50),
  county: required('县 (county)', 20),
  town: text('乡镇 (town)', 50).optional(),
  place: required('地点 (place)', 100),
  startsAt: z.string({ error: '缺少开始时间 (startsAt)' }).max(40),
  capacity: z.number({ error: '名额 (capacity) 应为数字' }).int('名额应为整数').min(1, '名额至少 1 个').max(10_000, '名额最多 10000 个'),
});
export const trainingCreated = z.object({ id: z.string() });
export const trainingsQuery = z.object({
  county: text('county', 20).optional(),
  town: text('town', 50).optional(),
  from: z.string().datetime({ offset: true, error: 'from 应为 ISO 8601 时间，如 2026-12-01T00:00:00+08:00' }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export const trainingView = z.object({
  id: z.string(),
  topic: z.string(),
  county: z.string(),
  town: z.string().nullable(),
  place: z.string(),
  startsAt: z.string(),
  capacity: z.number(),
  seated: z.number(),
  waitlisted: z.number(),
  attended: z.number(),
});
export const trainingsList = z.object({ trainings: z.array(trainingView) });
export const signupBody = z.object({ phone: required('手机号 (phone)', 32) });
export const signupResult = z.object({
  status: z.enum(['seated', 'waitlisted']),
  seat: z.number().optional(),
  position: z.number().optional(),
  existing: z.boolean(),
});
export const signupsList = z.object({
  signups: z.array(z.object({ phone: z.string(), status: z.enum(['seated', 'waitlisted']), seat: z.number().nullable(), position: z.number().nullable(), attended: z.boolean().nullable() })),
});
export const attendanceBody = z.object({
  attendance: z.array(z.object({ phone: required('手机号 (phone)', 32), attended: z.boolean() })).min(1, '至少一个人').max(10_000),
});
export const attendanceResult = z.object({ updated: z.number() });

// --- exchange (docs/exchange.md) ---
export const exchangePageQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const serviceRecordsPage = z.object({
  version: z.literal(1),
  records: z.array(z.object({
    id: z.string(),
    category: z.string(),
    channel: z.enum(['web', 'sms', 'api']),
    county: z.string().nullable(),
    outcome: z.enum(['answered', 'escalated']),
    askedAt: z.string(),
    answeredAt: z.string(),
    expertAnsweredAt: z.string().nullable(),
  })),
  nextCursor: z.string().nullable(),
});
export const progressFeed = z.object({
  version: z.literal(1),
  generatedAt: z.string(),
  counties: z.array(z.object({
    county: z.string(),
    villages: z.number(),
    stationsTarget: z.number(),
    stationsBuilt: z.number().nullable(),
    asOf: z.string().nullable(),
    percent: z.number().nullable(),
    trainings: z.number(),
    trainingAttendance: z.number(),
    orders: z.number(),
    machineryPosts: z.number(),
  })),
});
export const noticeBody = z.object({
  version: z.literal(1, { error: 'version 应为 1' }),
  id: z.string({ error: '缺少 id（省平台的文件编号）' }).min(1).max(100).regex(/^[\w.:/-]+$/, 'id 只能含字母、数字和 . : / - _'),
  title: required('标题 (title)', 200),
  content: required('正文 (content)', 200_000),
  source: required('来源 (source，发文单位或文号)', 200),
  issuedAt: day('issuedAt').optional(),
  county: text('county', 20).optional(),
  tags: z.array(text('tag', 30)).max(20).optional(),
});
export const noticeStored = z.object({ id: z.string(), status: z.enum(['created', 'updated', 'unchanged']) });
