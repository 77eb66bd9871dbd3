import { z } from 'zod';

const count = (label: string) =>
  z.number({ error: `${label}应为数字` }).int(`${label}应为整数`).min(0, `${label}不能是负数`).max(100_000_000, `${label}太大了`);

export const progressBody = z.object({
  county: z.string({ error: '请填写县市区 county，如 邹城市' }).trim().min(1, '请填写县市区 county').max(30),
  asOf: z.string({ error: '请填写统计截止日期 asOf，如 2019-06-30' }).trim().min(1).max(30),
  stationsBuilt: count('已建益农信息社数 stationsBuilt'),
  stationsStandard: count('达到“六有”标准的数量 stationsStandard').nullable().optional(),
  appDownloads: count('APP 下载量 appDownloads').nullable().optional(),
  officersTrained: count('培训考核合格的信息员人数 officersTrained').nullable().optional(),
  note: z.string().max(500, '备注最多 500 个字').nullable().optional(),
});

const report = z.object({
  id: z.string(),
  county: z.string(),
  asOf: z.string(),
  stationsBuilt: z.number(),
  stationsStandard: z.number().nullable(),
  appDownloads: z.number().nullable(),
  officersTrained: z.number().nullable(),
  note: z.string().nullable(),
  source: z.string(),
  reportedBy: z.string(),
  createdAt: z.string(),
});

const countyRow = z.object({
  county: z.string(),
  villages: z.number(),
  stationsTarget: z.number(),
  stationsDue: z.number().nullable(),
  stationsBuilt: z.number().nullable(),
  percentOfTarget: z.number().nullable(),
  appDownloadsDue: z.number().nullable(),
  appDownloads: z.number().nullable(),
  officersTrained: z.number().nullable(),
  stationsStandard: z.number().nullable(),
  asOf: z.string().nullable(),
  dueBy: z.string().nullable(),
  duePeriod: z.string().nullable(),
  note: z.string().nullable(),
  reportId: z.string().nullable(),
  reportedBy: z.string().nullable(),
});

export const progressCreated = z.object({ report, progress: countyRow, sentence: z.string().nullable() });

export const progressQuery = z.object({
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期写成 2019-06-30 这样的格式').optional(),
});

export const progressResponse = z.object({
  counties: z.array(countyRow),
  total: z.object({
    villages: z.number(), stationsTarget: z.number(), stationsDue: z.number(), stationsBuilt: z.number(),
    percentOfTarget: z.number().nullable(), appDownloadsDue: z.number(), appDownloads: z.number(),
    officersTrained: z.number(), stationsStandard: z.number(), asOf: z.string(), countiesReported: z.number(),
    counties: z.number(),
  }),
});

export const reportsQuery = z.object({
  county: z.string().trim().max(30).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

export const reportsResponse = z.object({ reports: z.array(report) });

export const importQuery = z.object({
  dryRun: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1'),
});

export const importResponse = z.object({
  encoding: z.enum(['UTF-8', 'GBK']),
  imported: z.number(),
  rows: z.number(),
  dryRun: z.boolean(),
  duplicates: z.array(z.object({ county: z.string(), asOf: z.string(), lines: z.array(z.number()), kept: z.number() })),
  message: z.string(),
});

export const importError = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.string()).optional(), encoding: z.string().optional() }),
});
