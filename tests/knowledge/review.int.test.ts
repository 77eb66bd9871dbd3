import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';
import { smsReply } from '../../src/channels/sms/render.ts';
import { PAST_REVIEW_NOTICE } from '../../src/knowledge/review.ts';

// The review record of a document (who wrote and reviewed it, when, and by when it must be reviewed again):
// stored with it, listed in the console when past due, and said to the farmer with a citation of it.
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const upload = (filename: string, text: string) =>
  t.app.inject({
    method: 'POST', url: `/api/v1/kb/upload?filename=${encodeURIComponent(filename)}`,
    headers: { ...adminAuth, 'content-type': 'text/markdown' }, payload: text,
  });

const doc = (title: string, reviewBy: string, body: string) => [
  '---', `title: ${title}`, 'category: agronomy', 'source: 县农技站',
  'writtenBy: 县农技站 张工', 'reviewedBy: [县植保站 李工, 市农科院 王工]', 'reviewedAt: 2019-06-01', `reviewBy: ${reviewBy}`, '---',
  `# ${title}`, '', '## 要点', body, '',
].join('\n');

const ask = async (text: string, phone: string) => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: adminAuth, payload: { text, from: { phone } } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().replies[0];
};

const list = async (query: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/kb/documents?${query}`, headers: adminAuth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { total: number; documents: { id: string; title: string; reviewBy: string | null; pastReview: boolean; reviewedBy: string | null; writtenBy: string | null; reviewedAt: string | null }[] };
};

describe('document review dates', () => {
  beforeAll(async () => {
    expect((await upload('old.md', doc('紫云英绿肥翻压要点', '2020-06-01', '紫云英在盛花期翻压最好，每亩鲜草1500公斤左右，翻压后10天再插秧。'))).statusCode).toBe(200);
    expect((await upload('new.md', doc('苕子绿肥播种要点', '2099-06-01', '毛叶苕子9月中下旬播种，每亩用种3到4公斤，播前用根瘤菌拌种。'))).statusCode).toBe(200);
  });

  it('stores who wrote and reviewed the document and its dates', async () => {
    const { documents } = await list(`q=${encodeURIComponent('紫云英')}`);
    expect(documents[0]).toMatchObject({
      title: '紫云英绿肥翻压要点', writtenBy: '县农技站 张工', reviewedBy: '县植保站 李工；市农科院 王工',
      reviewedAt: '2019-06-01', reviewBy: '2020-06-01', pastReview: true,
    });
  });

  it('lists only the documents past review for reviewDue=0, and the due ones soonest first for a window', async () => {
    const past = await list('reviewDue=0');
    expect(past.documents.map((d) => d.title)).toEqual(['紫云英绿肥翻压要点']);
    const all = await list('reviewDue=36500');
    expect(all.documents.map((d) => d.title)).toEqual(['紫云英绿肥翻压要点', '苕子绿肥播种要点']);
    expect(all.documents[1].pastReview).toBe(false);
  });

  it('refuses a review window that is not a number of days, in Chinese', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/kb/documents?reviewDue=soon', headers: adminAuth });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('天数');
  });

  it('flags a citation of a past-review document to the farmer, on the web and in the SMS text', async () => {
    const reply = await ask('紫云英啥时候翻压', '13800138101');
    expect(reply.citations[0]).toMatchObject({ title: '紫云英绿肥翻压要点', notice: PAST_REVIEW_NOTICE });
    expect(smsReply(reply, 3).text).toContain('此资料已过复核期，请以县农业农村局最新通知为准');

    const fresh = await ask('苕子啥时候播种', '13800138102');
    expect(fresh.citations[0].title).toBe('苕子绿肥播种要点');
    expect(fresh.citations[0].notice).toBeUndefined();
    expect(smsReply(fresh, 3).text).not.toContain('复核期');
  });

  it('keeps the review record when a document is retired and restored', async () => {
    const { documents: [d] } = await list(`q=${encodeURIComponent('紫云英')}`);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/kb/documents/${d.id}/retire`, headers: adminAuth })).statusCode).toBe(200);
    const retired = await list(`status=retired&q=${encodeURIComponent('紫云英')}`);
    expect(retired.documents[0]).toMatchObject({ reviewBy: '2020-06-01', pastReview: true, reviewedBy: '县植保站 李工；市农科院 王工' });
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/kb/documents/${d.id}/restore`, headers: adminAuth })).statusCode).toBe(200);
    const back = await list(`q=${encodeURIComponent('紫云英')}`);
    expect(back.documents[0]).toMatchObject({ reviewedAt: '2019-06-01', reviewBy: '2020-06-01', writtenBy: '县农技站 张工' });
  });

  it('refuses a document whose next review is not after its review, saying which dates', async () => {
    const res = await upload('bad.md', doc('错日期', '2018-01-01', '正文。'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/reviewBy（2018-01-01）应晚于复核日期 reviewedAt（2019-06-01）/);
  });
});

describe('the shipped documents', () => {
  it('carry their review record into the knowledge base', async () => {
    const seeded = await createTestApp({}, { seed: true });
    try {
      const { rows } = await seeded.db.pool.query<{ n: number; missing: number }>(
        `SELECT count(*)::int AS n,
                count(*) FILTER (WHERE review_by IS NULL OR reviewed_at IS NULL OR written_by IS NULL OR reviewed_by IS NULL)::int AS missing
           FROM kb_documents WHERE source_key LIKE 'knowledge/agronomy/%'`,
      );
      expect(rows[0].n).toBeGreaterThan(30);
      expect(rows[0].missing).toBe(0);
    } finally {
      await seeded.close();
    }
  }, 300_000);
});
