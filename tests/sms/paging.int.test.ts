import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueSms, SmsInputError } from '../../src/channels/sms/index.ts';
import { smsShape } from '../../src/channels/sms/encoding.ts';
import { adminAuth } from '../helpers/app.ts';
import { createSmsApp, httpWorker, nextId, outboxRows, signedInject, TestGateway, waitFor, type SmsTestApp } from './helpers.ts';
import type { OutboxWorker } from '../../src/channels/sms/worker.ts';

let t: SmsTestApp;
let gateway: TestGateway;
let worker: OutboxWorker;
beforeAll(async () => {
  gateway = await new TestGateway().start();
  t = await createSmsApp();
  worker = httpWorker(t, gateway);
  worker.start();
  // A long answer: one passage of about 330 characters, full of doses that must not be cut in half.
  const res = await t.app.inject({
    method: 'POST', url: '/api/v1/kb/documents', headers: adminAuth,
    payload: {
      title: '大蒜根蛆综合防治', category: 'agronomy', county: '金乡县', source: '金乡县植保站',
      content: '## 大蒜根蛆怎么防治\n'
        + '大蒜根蛆是种蝇的幼虫，钻进蒜头蛀食，造成烂根、叶片发黄、植株萎蔫，严重时成片死亡。'
        + '防治要抓住成虫产卵盛期和幼虫危害初期两个时期。'
        + '播种前每亩撒施3%辛硫磷颗粒剂4到5公斤，随后浅耕，把药剂翻入土层。'
        + '施用的有机肥一定要充分腐熟，未腐熟的粪肥最招种蝇产卵。'
        + '发现危害后，每亩用5%氟铃脲乳油50毫升，或者40%辛硫磷乳油500毫升，兑水顺垄灌根，灌后及时浇一遍小水。'
        + '也可以在成虫发生期用糖醋液诱杀，糖、醋、水按1:1:2.5配制，加少量敌百虫，每亩放3到4盆。'
        + '用药后要注意安全间隔期，收获前15天停止用药。'
        + '更多技术问题可以拨打金乡县农技站电话0537-8721234咨询，或者到本村益农信息社找信息员帮忙。',
    },
  });
  expect(res.statusCode).toBe(201);
}, 300_000);
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await gateway?.stop();
});

const ask = (text: string, from: string) => signedInject(t.app, '/webhooks/sms/http', { id: nextId(), from, to: '106900001234', text });
const sentTo = (phone: string) => [...gateway.delivered.values()].filter((s) => s.to === `+86${phone}`);

describe('a long Chinese answer', () => {
  it('arrives within three segments with 回复1看更多, and "1" continues where it stopped', async () => {
    const phone = '13811112222';
    expect((await ask('大蒜根蛆咋防治', phone)).json().status).toBe('handled');
    const [first] = await waitFor(() => sentTo(phone).length === 1 && sentTo(phone), 10_000, 'the first page');
    expect(first.text).toContain('根蛆');
    expect(first.text.endsWith('（回复1看更多）')).toBe(true);
    expect(smsShape(first.text)).toMatchObject({ encoding: 'ucs2' });
    expect(smsShape(first.text).segments).toBeLessThanOrEqual(3);
    expect(first.text.length).toBeLessThanOrEqual(201);

    expect((await ask('1', phone)).json().status).toBe('handled');
    const pages = await waitFor(() => sentTo(phone).length === 2 && sentTo(phone), 10_000, 'the second page');
    const second = pages[1].text;
    expect(smsShape(second).segments).toBeLessThanOrEqual(3);
    // Nothing lost and nothing repeated at the join: the two pages read as the passage does.
    const joined = first.text.replace('（回复1看更多）', '') + second.replace('（回复1看更多）', '');
    for (const dose of ['4到5公斤', '50毫升', '500毫升', '1:1:2.5', '15天', '0537-8721234']) expect(joined).toContain(dose);
    // Keep paging until the answer ends.
    let n = 2;
    while (sentTo(phone)[n - 1].text.endsWith('（回复1看更多）')) {
      await ask('1', phone);
      await waitFor(() => sentTo(phone).length === n + 1, 10_000, `page ${n + 1}`);
      n++;
    }
    await ask('1', phone);
    const last = await waitFor(() => sentTo(phone).length === n + 1 && sentTo(phone)[n], 10_000, 'the end');
    expect(last.text).toMatch(/没有更多/);
  });
});

describe('enqueueSms (the contract other parts send with)', () => {
  const longExpertAnswer = '您好，我是县农技站的王老师。' + '您说的麦苗发黄，多半是冻害加上缺氮。'.repeat(14)
    + '建议每亩追施尿素5到8公斤，趁雨前撒施；天晴后再看新叶，如果新叶转绿就不用再管。有问题再联系0537-1234567。';

  it('pages a long expert reply in the farmer’s SMS conversation and "1" gets the rest', async () => {
    const phone = '13822223333';
    await ask('你好', phone);
    await waitFor(() => sentTo(phone).length === 1, 10_000, 'the greeting');
    const { rows } = await t.db.pool.query(`SELECT id FROM conversations WHERE channel = 'sms' AND farmer_phone = $1`, [phone]);
    const conversationId = rows[0].id as string;
    const ids = await enqueueSms(t.db.pool, { to: phone, text: longExpertAnswer, kind: 'expert', conversationId });
    expect(ids).toHaveLength(1);
    const page = await waitFor(() => sentTo(phone).length === 2 && sentTo(phone)[1], 10_000, 'the expert reply');
    expect(page.text.endsWith('（回复1看更多）')).toBe(true);
    expect(smsShape(page.text).segments).toBeLessThanOrEqual(3);
    await ask('1', phone);
    const rest = await waitFor(() => sentTo(phone).length === 3 && sentTo(phone)[2], 10_000, 'the rest');
    expect(rest.text).toContain('0537-1234567');
    expect(page.text.replace('（回复1看更多）', '') + rest.text).toContain('尿素5到8公斤');
  });

  it('without a conversation, sends numbered pages; the same message twice is queued once; a bad phone is refused', async () => {
    const phone = '+86 138 3333 4444';
    const ids = await enqueueSms(t.db.pool, { to: phone, text: longExpertAnswer, kind: 'notify' });
    expect(ids.length).toBe(2);
    const rows = await outboxRows(t, '13833334444');
    expect(rows.map((r) => r.text.slice(-5))).toEqual(['（1/2）', '（2/2）']);
    for (const r of rows) expect(r.segments).toBeLessThanOrEqual(3);

    const { rows: m } = await t.db.pool.query(`SELECT id FROM messages ORDER BY id DESC LIMIT 1`);
    const once = await enqueueSms(t.db.pool, { to: '13833334444', text: '短的通知', kind: 'notify', messageId: m[0].id });
    const twice = await enqueueSms(t.db.pool, { to: '+8613833334444', text: '短的通知', kind: 'notify', messageId: m[0].id });
    expect(twice).toEqual(once);

    await expect(enqueueSms(t.db.pool, { to: '12345', text: 'x', kind: 'notify' })).rejects.toBeInstanceOf(SmsInputError);
    await expect(enqueueSms(t.db.pool, { to: '13833334444', text: '  ', kind: 'notify' })).rejects.toThrow(/空/);
    await waitFor(() => sentTo('13833334444').length === 3, 10_000, 'the pages and the notice');
  });

  it('keeps GSM-7 for plain Latin text (160 per SMS) and counts an emoji as two UCS-2 units', async () => {
    const ids = await enqueueSms(t.db.pool, { to: '13844445555', text: 'Your code is 1234. '.repeat(8), kind: 'notify' });
    const emoji = await enqueueSms(t.db.pool, { to: '13844445555', text: '🌾'.repeat(35), kind: 'notify' });
    const rows = await outboxRows(t, '13844445555');
    expect(rows.find((r) => r.id === ids[0])).toMatchObject({ encoding: 'gsm7', segments: 1 });
    expect(rows.find((r) => r.id === emoji[0])).toMatchObject({ encoding: 'ucs2', segments: 1 });
  });
});
