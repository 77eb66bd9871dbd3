import { describe, it, expect } from 'vitest';
import {
  chinaToday, normalizeCounty, normalizePhone, parseDay, periodEnd, splitServices, validateCountyTargetRow,
  validateLaborPost, validateLaborRow, validatePriceRow, validateServicePointRow, validateSupplyPost,
} from '../../src/data/index.ts';
import { readCsvTable } from '../../src/data/csv.ts';

const goodPrice = {
  commodity: '大蒜', variety: '金乡白蒜 5.5厘米', market: '金乡大蒜国际交易市场', county: '金乡县',
  date: '2026-11-20', low: '3.20', avg: '3.35', high: '3.50', unit: '元/斤', source: '演示数据',
};
const today = '2026-11-28';

function reason(raw: Record<string, string | undefined>): string {
  const r = validatePriceRow(raw, 7, { today });
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.reason;
}

describe('validatePriceRow', () => {
  it('types a good row', () => {
    const r = validatePriceRow(goodPrice, 2, { today });
    expect(r).toEqual({
      ok: true,
      row: { ...goodPrice, low: 3.2, avg: 3.35, high: 3.5 },
    });
  });

  it('reads other ways of writing the day and folds unit spellings', () => {
    const r = validatePriceRow({ ...goodPrice, date: '2026/11/8', unit: '元/千克', variety: '', county: ' ' }, 2, { today });
    expect(r.ok && r.row).toMatchObject({ date: '2026-11-08', unit: '元/公斤', variety: null, county: null });
    const r2 = validatePriceRow({ ...goodPrice, date: undefined, price_date: '2026年11月9日' }, 2, { today });
    expect(r2.ok && r2.row.date).toBe('2026-11-09');
  });

  it('refuses a missing field, naming it', () => {
    expect(reason({ ...goodPrice, commodity: '' })).toContain('缺少品名');
    expect(reason({ ...goodPrice, market: undefined })).toContain('缺少市场');
    expect(reason({ ...goodPrice, avg: '' })).toContain('缺少均价');
    expect(reason({ ...goodPrice, unit: '' })).toContain('缺少单位');
    expect(reason({ ...goodPrice, date: '' })).toContain('缺少日期');
  });

  it('refuses negative prices and prices out of order', () => {
    expect(reason({ ...goodPrice, low: '-1' })).toContain('不能是负数');
    expect(reason({ ...goodPrice, low: '3.40', avg: '3.35' })).toContain('最低价 ≤ 均价 ≤ 最高价');
    expect(reason({ ...goodPrice, high: '3.30' })).toContain('最低价 ≤ 均价 ≤ 最高价');
    expect(reason({ ...goodPrice, avg: 'abc' })).toContain('不是数字');
  });

  it('refuses unparseable, impossible and future days', () => {
    expect(reason({ ...goodPrice, date: '11月8日' })).toContain('无法识别');
    expect(reason({ ...goodPrice, date: '2026-02-30' })).toContain('无法识别');
    expect(reason({ ...goodPrice, date: '2026-11-29' })).toContain('在今天（2026-11-28）之后');
  });

  it('refuses a unit it does not know', () => {
    expect(reason({ ...goodPrice, unit: '元/筐' })).toContain('单位“元/筐”不认识');
  });

  it('lists every problem at once, with the line', () => {
    const r = validatePriceRow({ ...goodPrice, commodity: '', low: '-2', unit: '斤' }, 12, { today });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.line).toBe(12);
    expect(r.reason.split('；')).toHaveLength(3);
  });
});

describe('field parsing', () => {
  it('parses days and refuses impossible ones', () => {
    expect(parseDay('2026-1-5')).toBe('2026-01-05');
    expect(parseDay('2026.11.08')).toBe('2026-11-08');
    expect(parseDay('20261108')).toBe('2026-11-08');
    expect(parseDay('2025-02-29')).toBeNull();
    expect(parseDay('yesterday')).toBeNull();
  });

  it('knows the day in China, not the server zone', () => {
    expect(chinaToday(new Date('2026-11-28T18:11:00Z'))).toBe('2026-11-29');
    expect(chinaToday(new Date('2026-11-28T15:59:59Z'))).toBe('2026-11-28');
  });

  it('accepts mainland mobiles and landlines with area codes', () => {
    expect(normalizePhone('138 0000 1001')).toEqual({ ok: true, phone: '13800001001' });
    expect(normalizePhone('+86 13800001001')).toEqual({ ok: true, phone: '13800001001' });
    expect(normalizePhone('0537-2345678')).toEqual({ ok: true, phone: '0537-2345678' });
    expect(normalizePhone('(0537)23456789')).toEqual({ ok: true, phone: '0537-23456789' });
    expect(normalizePhone('010-62345678')).toEqual({ ok: true, phone: '010-62345678' });
  });

  it('refuses what is not a phone number, saying why', () => {
    for (const bad of ['12800001001', '1380000100', '138000010011', '0537-0234567', 'abc']) {
      expect(normalizePhone(bad).ok, bad).toBe(false);
    }
    const local = normalizePhone('2345678');
    expect(!local.ok && local.reason).toContain('区号');
    const none = normalizePhone('  ');
    expect(!none.ok && none.reason).toBe('缺少联系电话');
  });

  it('names Jining counties however they are written', () => {
    expect(normalizeCounty('金乡')).toBe('金乡县');
    expect(normalizeCounty('济宁市邹城市')).toBe('邹城市');
    expect(normalizeCounty('任城区')).toBe('任城区');
    expect(normalizeCounty('寿光')).toBeNull();
  });
});

describe('validateLaborPost', () => {
  const now = new Date('2026-11-28T04:00:00Z');
  const input = {
    kind: '招工', title: '剥蒜米工', work: '手工剥蒜米', county: '金乡', town: '鸡黍镇', quantity: '30人',
    pay: '1.2元/斤', contact: '13800001002',
  };

  it('fills defaults: county name, head count, 30 days to expiry', () => {
    const r = validateLaborPost(input, now);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.post).toMatchObject({ kind: 'hiring', county: '金乡县', quantity: 30, quantityText: '30人', village: null });
    expect(r.post.postedAt).toEqual(now);
    expect(r.post.expiresAt.getTime() - now.getTime()).toBe(30 * 86_400_000);
  });

  it('reads a bare expiry day as the end of that day in China', () => {
    const r = validateLaborPost({ ...input, expiresAt: '2026-12-20' }, now);
    expect(r.ok && r.post.expiresAt.toISOString()).toBe('2026-12-20T16:00:00.000Z');
  });

  it('uses the title for the work when only one is given', () => {
    const r = validateLaborPost({ ...input, work: undefined }, now);
    expect(r.ok && r.post.work).toBe('剥蒜米工');
  });

  it('refuses a bad contact, a past or too distant expiry, a county outside Jining', () => {
    const issues = (over: object) => {
      const r = validateLaborPost({ ...input, ...over }, now);
      return r.ok ? [] : r.issues;
    };
    expect(issues({ contact: '1380000' }).join()).toContain('联系电话');
    expect(issues({ expiresAt: '2026-11-01' }).join()).toContain('有效期已经过了');
    expect(issues({ expiresAt: '2027-12-31' }).join()).toContain('最长 180 天');
    expect(issues({ expiresAt: 'next week' }).join()).toContain('无法识别');
    expect(issues({ county: '寿光' }).join()).toContain('不是济宁的县');
    expect(issues({ kind: 'selling' }).join()).toContain('招工 (hiring) 或 找活 (seeking)');
    expect(issues({ title: '', work: ' ' }).join()).toContain('缺少标题或工作内容');
    expect(issues({ quantity: 0 }).join()).toContain('人数');
  });

  it('collects every problem', () => {
    const r = validateLaborPost({ ...input, contact: '', county: '', kind: '' }, now);
    expect(!r.ok && r.issues).toHaveLength(3);
  });

  it('imports history as written (an expired row is kept, but expiry must follow posting)', () => {
    const row = {
      kind: 'hiring', title: '大蒜覆膜工', what: '蒜地覆膜', county: '金乡县', town: '化雨镇', village: '马楼村',
      quantity: '10人', pay: '130元/天', contact: '13800001007', expires_at: '2026-10-15', posted_at: '2026-10-01',
    };
    const r = validateLaborRow(row, 8, now);
    expect(r.ok && r.row.postedAt.toISOString()).toBe('2026-09-30T16:00:00.000Z');
    const bad = validateLaborRow({ ...row, expires_at: '2026-09-01' }, 8, now);
    expect(bad).toEqual({ ok: false, line: 8, reason: '有效期要晚于发布时间' });
  });
});

describe('validateSupplyPost', () => {
  const now = new Date('2026-11-28T04:00:00Z');
  it('accepts Chinese kinds and keeps quantity and price as written', () => {
    const r = validateSupplyPost(
      { kind: '收购', commodity: '玉米', county: '嘉祥县', quantity: '100吨', price: '面议', contact: '0537-2345678' },
      now,
    );
    expect(r.ok && r.post).toMatchObject({ kind: 'buy', quantity: '100吨', price: '面议', contact: '0537-2345678' });
  });

  it('requires a commodity and a reachable contact', () => {
    const r = validateSupplyPost({ kind: 'sell', commodity: '', county: '嘉祥县', contact: '110' }, now);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.join()).toContain('缺少品名');
    expect(r.issues.join()).toContain('联系电话');
  });
});

describe('other rows', () => {
  it('reads downloads in 万 the way the plan writes them', () => {
    const row = { county: '任城区', villages: '567', period: '2019H1', stations_target: '227', app_downloads_target: '1.52' };
    expect(validateCountyTargetRow(row, 2)).toEqual({
      ok: true,
      row: { county: '任城区', period: '2019H1', villages: 567, stationsTarget: 227, appDownloadsTarget: 15_200 },
    });
    const plain = validateCountyTargetRow({ ...row, app_downloads_target: '15200' }, 2);
    expect(plain.ok && plain.row.appDownloadsTarget).toBe(15_200);
    const bad = validateCountyTargetRow({ ...row, period: '2019Q1', villages: '-3' }, 4);
    expect(!bad.ok && bad.reason).toMatch(/时段.*2019H1.*；村数/);
  });

  it('knows when a period ends', () => {
    expect(periodEnd('2019H1')).toBe('2019-06-30');
    expect(periodEnd('2019H2')).toBe('2019-12-31');
    expect(periodEnd('2020')).toBe('2020-12-31');
  });

  it('splits services on | and ;', () => {
    expect(splitServices('价格查询|用工信息; 小额提现；价格查询')).toEqual(['价格查询', '用工信息', '小额提现']);
  });

  it('keeps an operator phone that is not a proper landline but refuses text', () => {
    const row = { id: 'YN-1', name: '某村益农信息社', county: '任城', phone: '0537-0000001', services: '价格查询' };
    const r = validateServicePointRow(row, 2);
    expect(r.ok && r.row).toMatchObject({ county: '任城区', phone: '0537-0000001', services: ['价格查询'] });
    expect(validateServicePointRow({ ...row, phone: '找村支书' }, 3).ok).toBe(false);
  });

  it('points rejections of a CSV at the real line', () => {
    const t = readCsvTable('a,b\n1,2\n\n3\n"x,y",4\n', 'f.csv');
    expect(t.header).toEqual(['a', 'b']);
    expect(t.records.map((r) => r.line)).toEqual([2, 5]);
    expect(t.records[1].values).toEqual({ a: 'x,y', b: '4' });
    expect(t.rejected).toEqual([{ where: 'f.csv:4', reason: expect.stringContaining('有 1 列，表头有 2 列') }]);
  });
});
