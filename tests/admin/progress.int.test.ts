import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';
import { person, type Person } from '../escalation/people.ts';
import { chinaToday } from '../../src/data/fields.ts';

let t: TestContext;
let zoucheng: Person;

beforeAll(async () => {
  t = await createTestApp({}, { seed: true });
  zoucheng = await person(t, { username: 'gly_zc', role: 'county_admin', name: '邹城市农业农村局', counties: ['邹城市'] });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

const post = (payload: object, headers: Record<string, string> = adminAuth) =>
  t.app.inject({ method: 'POST', url: '/api/v1/programme/progress', headers, payload });
const upload = (body: Buffer | string, headers: Record<string, string> = adminAuth, query = '') =>
  t.app.inject({ method: 'POST', url: `/api/v1/programme/progress/import${query}`, headers: { ...headers, 'content-type': 'text/csv' }, payload: body });
const reportCount = async () => (await t.db.pool.query('SELECT count(*)::int AS n FROM progress_reports')).rows[0].n as number;

describe('a progress report', () => {
  it('is kept and compared with the target due by its date, in the words the bot uses', async () => {
    const res = await post({ county: '邹城', asOf: '2019-06-30', stationsBuilt: 300, stationsStandard: 280, appDownloads: 21000, officersTrained: 290, note: '按期推进' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.report).toMatchObject({ county: '邹城市', asOf: '2019-06-30', stationsBuilt: 300, stationsStandard: 280, source: 'api' });
    expect(body.progress).toMatchObject({ stationsDue: 343, stationsTarget: 858, villages: 858, percentOfTarget: 87.5, appDownloadsDue: 23000, duePeriod: '2019H1' });
    expect(body.sentence).toMatch(/^截至2019年6月30日，邹城市已建300个，占上半年任务343个的87%。/);
  });

  it('answers the farmer chat with the latest report', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: adminAuth, payload: { text: '邹城市益农信息社建了多少个了', from: { phone: '13900001111' } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().replies[0].text).toContain('截至2019年6月30日，邹城市已建300个，占上半年任务343个的87%');
  });

  it('a later date and a correction of the same date: the latest filing of the latest date counts; every filing is kept', async () => {
    expect((await post({ county: '邹城市', asOf: '2019-12-31', stationsBuilt: 600 })).statusCode).toBe(201);
    expect((await post({ county: '邹城市', asOf: '2019-12-31', stationsBuilt: 650 })).statusCode).toBe(201);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/programme/progress', headers: adminAuth });
    const row = res.json().counties.find((c: { county: string }) => c.county === '邹城市');
    expect(row).toMatchObject({ asOf: '2019-12-31', stationsBuilt: 650, stationsDue: 686, percentOfTarget: 94.8, duePeriod: '2019H2' });
    expect(res.json().counties).toHaveLength(11);
    // As of mid-2019 the first report is the latest.
    const then = await t.app.inject({ method: 'GET', url: '/api/v1/programme/progress?asOf=2019-07-01', headers: adminAuth });
    expect(then.json().counties.find((c: { county: string }) => c.county === '邹城市')).toMatchObject({ stationsBuilt: 300 });
    const history = await t.app.inject({ method: 'GET', url: '/api/v1/programme/reports?county=邹城市', headers: adminAuth });
    expect(history.json().reports.map((r: { stationsBuilt: number }) => r.stationsBuilt)).toEqual([650, 600, 300]);
  });

  it.each([
    [{ county: '寿光市', asOf: '2019-06-30', stationsBuilt: 1 }, '不是济宁的县市区'],
    [{ county: '邹城市', asOf: '2019-02-30', stationsBuilt: 1 }, '无法识别'],
    [{ county: '邹城市', asOf: '2099-01-01', stationsBuilt: 1 }, '还没到'],
    [{ county: '邹城市', asOf: '2010-01-01', stationsBuilt: 1 }, '早于工程开始'],
    [{ county: '邹城市', asOf: '2019-06-30', stationsBuilt: -5 }, '不能是负数'],
    [{ county: '邹城市', asOf: '2019-06-30', stationsBuilt: 10, appDownloads: -1 }, '不能是负数'],
    [{ county: '邹城市', asOf: '2019-06-30', stationsBuilt: 900 }, '超过了邹城市的行政村数 858 个'],
    [{ county: '邹城市', asOf: '2019-06-30', stationsBuilt: 10, stationsStandard: 11 }, '不能多于已建'],
  ])('refuses %j in Chinese and stores nothing', async (payload, words) => {
    const before = await reportCount();
    const res = await post(payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.message).toContain(words);
    expect(await reportCount()).toBe(before);
  });
});

describe('a county administrator', () => {
  it('reports for their own county and sees only it', async () => {
    expect((await post({ county: '邹城市', asOf: '2019-06-15', stationsBuilt: 250 }, zoucheng.headers)).statusCode).toBe(201);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/programme/progress', headers: zoucheng.headers });
    expect(res.json().counties.map((c: { county: string }) => c.county)).toEqual(['邹城市']);
    expect(res.json().total.villages).toBe(858);
  });

  it('is refused another county, by report, by table and by history', async () => {
    const res = await post({ county: '金乡县', asOf: '2019-06-30', stationsBuilt: 10 }, zoucheng.headers);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'out_of_scope' });
    expect(res.json().error.message).toContain('邹城市');
    const table = await upload('县（市、区）,统计截止日期,已建成益农信息社\n金乡县,2019-06-30,10\n', zoucheng.headers);
    expect(table.statusCode).toBe(400);
    expect(table.json().error.issues[0]).toContain('不能填报金乡县');
    const history = await t.app.inject({ method: 'GET', url: '/api/v1/programme/reports?county=金乡县', headers: zoucheng.headers });
    expect(history.statusCode).toBe(403);
  });
});

describe('the 附件2 table', () => {
  it('downloads as UTF-8 with a BOM that Excel opens, one row per county and a total', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/programme/progress.csv?asOf=2019-12-31', headers: adminAuth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('县（市、区）');
    expect(lines).toHaveLength(1 + 11 + 1);
    expect(lines.find((l) => l.startsWith('邹城市'))).toContain('2019-12-31,858,858,686,650');
  });

  it('uploads whole: a GBK file is read and says so; a repeated county and date keeps the later line and says so', async () => {
    const csv = '县（市、区）,统计截止日期,已建成益农信息社（个）,其中达到“六有”标准（个）,APP下载量（次）,信息员培训考核合格（人）,备注\n'
      + '任城区,2019-06-30,200,180,15000,190,\n'
      + '金乡,2019/6/30,250,,,,初报\n'
      + '金乡县,2019-06-30,256,250,17100,256,更正\n'
      + '合计,,706,,,,\n';
    const before = await reportCount();
    const res = await upload(iconv.encode(csv, 'gbk'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ encoding: 'GBK', imported: 2, rows: 3 });
    expect(res.json().duplicates).toEqual([{ county: '金乡县', asOf: '2019-06-30', lines: [3, 4], kept: 4 }]);
    expect(res.json().message).toContain('GBK');
    expect(res.json().message).toContain('以第 4 行为准');
    expect(await reportCount()).toBe(before + 2);
    const p = await t.app.inject({ method: 'GET', url: '/api/v1/programme/progress?asOf=2019-06-30', headers: adminAuth });
    expect(p.json().counties.find((c: { county: string }) => c.county === '金乡县')).toMatchObject({ stationsBuilt: 256, stationsStandard: 250, note: '更正' });
  });

  it('our own export reads back in (computed columns ignored)', async () => {
    const exported = await t.app.inject({ method: 'GET', url: '/api/v1/programme/progress.csv?asOf=2019-06-30', headers: adminAuth });
    const res = await upload(exported.rawPayload, adminAuth, '?dryRun=true');
    expect(res.statusCode, res.body).toBe(400); // counties with no report have no figure to import
    expect(res.json().error.issues.join()).toContain('缺少已建益农信息社数');
  });

  it('is never half-imported: one bad line and nothing is stored, every problem named by line', async () => {
    const before = await reportCount();
    const res = await upload('county,as_of,stations_built\n任城区,2019-12-31,400\n寿光市,2019-12-31,10\n鱼台县,2019-12-31,999\n兖州区,2019-12-31,-3\n');
    expect(res.statusCode).toBe(400);
    const issues: string[] = res.json().error.issues;
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/^第 3 行：.*寿光市/);
    expect(issues[1]).toContain('鱼台县的行政村数 386 个');
    expect(issues[2]).toContain('不能是负数');
    expect(res.json().error.message).toContain('一行也没有存');
    expect(await reportCount()).toBe(before);
  });

  it('refuses a table without the columns it needs, an empty one and a future date', async () => {
    const noHeader = await upload('地区,数量\n邹城市,3\n');
    expect(noHeader.json().error.issues[0]).toContain('表头缺少');
    const empty = await upload('county,as_of,stations_built\n');
    expect(empty.json().error.issues[0]).toContain('没有数据行');
    const future = await upload(`county,as_of,stations_built\n邹城市,2099-01-01,3\n`);
    expect(future.json().error.issues[0]).toContain(`今天是 ${chinaToday()}`);
  });
});
