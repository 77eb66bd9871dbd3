import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueSms } from '../../src/channels/sms/outbox.ts';
import type { OutboxWorker } from '../../src/channels/sms/worker.ts';
import { createSmsApp, httpWorker, nextId, outboxRows, signedInject, TestGateway, waitFor, type SmsTestApp } from './helpers.ts';

const OFFICER = '13512345678';
let t: SmsTestApp;
let gateway: TestGateway;
let worker: OutboxWorker;
beforeAll(async () => {
  gateway = await new TestGateway().start();
  t = await createSmsApp({ SMS_OFFICER_PHONES: `+86 ${OFFICER}, 13000000000` });
  worker = httpWorker(t, gateway);
  worker.start();
}, 300_000);
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await gateway?.stop();
});

const text = (body: string, from: string) => signedInject(t.app, '/webhooks/sms/http', { id: nextId(), from, to: '106900001234', text: body });
const sentTo = (phone: string) => [...gateway.delivered.values()].filter((s) => s.to === `+86${phone}`).map((s) => s.text);
const settled = async (phone: string) =>
  waitFor(async () => (await outboxRows(t, phone)).every((r) => !['queued', 'sending'].includes(r.status)), 10_000, `outbox to ${phone} settled`);

describe('opt-out', () => {
  it('confirms 退订 once, sends nothing more until the farmer writes again, then answers as before', async () => {
    const phone = '13866667777';
    await text('金乡大蒜今天啥价', phone);
    await waitFor(() => sentTo(phone).length === 1, 10_000, 'the answer');

    await text('退订', phone);
    await waitFor(() => sentTo(phone).length === 2, 10_000, 'the confirmation');
    expect(sentTo(phone)[1]).toMatch(/退订/);

    // Anything else for this phone (a notice, an expert's late answer) stays unsent, kept as suppressed.
    const { rows } = await t.db.pool.query(`SELECT id FROM conversations WHERE channel = 'sms' AND farmer_phone = $1`, [phone]);
    await enqueueSms(t.db.pool, { to: phone, text: '专家答复：大蒜价格近期看涨。', kind: 'expert', conversationId: rows[0].id });
    await enqueueSms(t.db.pool, { to: phone, text: '明日降温通知', kind: 'notify' });
    await settled(phone);
    expect(sentTo(phone)).toHaveLength(2);
    expect((await outboxRows(t, phone)).slice(-2).map((r) => r.status)).toEqual(['suppressed', 'suppressed']);

    // STOP and TD work too, and a second 退订 is confirmed again without reopening anything.
    await text('TD', phone);
    await waitFor(() => sentTo(phone).length === 3, 10_000, 'the second confirmation');

    // Writing again is opting back in.
    await text('你好', phone);
    await waitFor(() => sentTo(phone).length === 4, 10_000, 'the answer after opting in');
    expect(sentTo(phone)[3]).toMatch(/益农助手/);
    const flags = await t.db.pool.query(`SELECT opted_out FROM conversations WHERE id = $1`, [rows[0].id]);
    expect(flags.rows[0].opted_out).toBe(false);
  });

  it('knows STOP in English', async () => {
    const phone = '13866668888';
    await text('STOP', phone);
    await waitFor(() => sentTo(phone).length === 1, 10_000, 'the confirmation');
    await enqueueSms(t.db.pool, { to: phone, text: '通知', kind: 'notify' });
    await settled(phone);
    expect(sentTo(phone)).toHaveLength(1);
  });
});

describe('代问 by a 信息员', () => {
  it('sends the answer to the officer and to the farmer’s phone', async () => {
    const farmer = '13800000000';
    const res = await text(`代问 ${farmer} 小麦条锈病咋防治`, OFFICER);
    expect(res.json().status).toBe('handled');
    await waitFor(() => sentTo(OFFICER).length === 1 && sentTo(farmer).length === 1, 10_000, 'both answers');
    expect(sentTo(OFFICER)[0]).toMatch(/条锈病|三唑酮|戊唑醇/);
    const copy = sentTo(farmer)[0];
    expect(copy.startsWith('信息员为您代问')).toBe(true);
    expect(copy).toMatch(/三唑酮|戊唑醇|条锈/);

    // The farmer's copy lives in the farmer's own SMS conversation, so the farmer can reply there.
    const { rows } = await t.db.pool.query(
      `SELECT m.author, m.text FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE c.channel = 'sms' AND c.farmer_phone = $1`, [farmer],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].author).toBe('bot');

    // The officer's next own question is the officer's alone.
    await text('金乡大蒜今天啥价', OFFICER);
    await waitFor(() => sentTo(OFFICER).length === 2, 10_000, 'the officer’s own answer');
    await settled(farmer);
    expect(sentTo(farmer)).toHaveLength(1);
  });

  it('refuses 代问 from a phone that is not a registered 信息员, and the named farmer gets nothing', async () => {
    const stranger = '13877778888';
    const farmer = '13800000001';
    await text(`代问 ${farmer} 小麦条锈病咋防治`, stranger);
    await waitFor(() => sentTo(stranger).length === 1, 10_000, 'the refusal');
    expect(sentTo(stranger)[0]).toMatch(/信息员/);
    await settled(farmer);
    expect(sentTo(farmer)).toEqual([]);
  });

  it('does not message a farmer who opted out', async () => {
    const farmer = '13800000002';
    await text('退订', farmer);
    await waitFor(() => sentTo(farmer).length === 1, 10_000, 'the confirmation');
    await text(`代问 ${farmer} 小麦条锈病咋防治`, OFFICER);
    await waitFor(() => sentTo(OFFICER).length === 3, 10_000, 'the officer’s answer');
    await settled(farmer);
    expect(sentTo(farmer)).toHaveLength(1);
  });
});
