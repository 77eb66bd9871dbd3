import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import smpp from 'smpp';
import { startSms, type SmsService } from '../../src/channels/sms/index.ts';
import { enqueueSms } from '../../src/channels/sms/outbox.ts';
import type { SmppGateway } from '../../src/channels/sms/smpp/gateway.ts';
import { flushStaleParts } from '../../src/channels/sms/smpp/parts.ts';
import { inboundDeps } from '../../src/channels/sms/service.ts';
import { createSmsApp, outboxRows, waitFor, type SmsTestApp } from './helpers.ts';
import { TestSmsc } from './smsc.ts';

let t: SmsTestApp;
let smsc: TestSmsc;
let sms: SmsService;
const events: string[] = [];

beforeAll(async () => {
  smsc = await new TestSmsc().start();
  t = await createSmsApp({
    SMS_GATEWAY: 'smpp', SMPP_HOST: '127.0.0.1', SMPP_PORT: String(smsc.port), SMPP_SYSTEM_ID: 'yinong', SMPP_PASSWORD: 'secret12',
    SMPP_SOURCE_ADDR: '106900001234', SMPP_WINDOW: '10', SMPP_ENQUIRE_LINK_SECONDS: '1', SMPP_RESPONSE_TIMEOUT_MS: '800',
    SMPP_RECONNECT_MAX_SECONDS: '1', SMS_RETRY_BASE_MS: '100', SMS_RETRY_MAX_MS: '1000', SMS_POLL_MS: '50',
    SMS_RATE_PER_SECOND: '1000', SMS_LEASE_SECONDS: '30', SMS_INBOX_RETRY_SECONDS: '2',
  });
  sms = await startSms(t.config, t.db.pool, t.turns, (level, fields, msg) => events.push(`${level} ${msg} ${JSON.stringify(fields)}`));
  await waitFor(() => sms.gateway.ready(), 10_000, 'the bind');
}, 300_000);
afterAll(async () => {
  await sms?.stop();
  await t?.close();
  await smsc?.stop();
});

const gateway = () => sms.gateway as SmppGateway;

describe('SMPP transceiver', () => {
  it('binds with the configured credentials and keeps the link alive with enquire_link', async () => {
    expect(smsc.binds).toContain('yinong');
    const before = smsc.enquireLinks;
    await waitFor(() => smsc.enquireLinks > before, 15_000, 'an enquire_link');
  });

  it('reassembles a long inbound text sent in three UDH parts (out of order, one part twice) and answers it in UCS-2 parts', async () => {
    // 66 characters, then an emoji the phone split between parts one and two (half a surrogate pair each).
    const head = '我家在金乡县，种了十几亩大蒜，最近发现不少蒜苗叶子发黄、根部发烂，拔出来看蒜头里面有白色的小蛆在钻，邻居说是根蛆，问一下';
    const question = `${head.padEnd(66, '。')}🌾大蒜根蛆咋防治，用什么药，每亩用多少，什么时候用最好，浇水的时候需要注意什么？家里老人种地几十年了也没见过这么厉害的，麻烦专家给看看，看看是不是需要把烂的蒜苗都拔掉，还能不能补种，谢谢专家`;
    const parts = [question.slice(0, 67), question.slice(67, 134), question.slice(134)];
    expect(parts[2].length).toBeGreaterThan(0);
    const from = '8613955556666';
    const before = (await t.db.pool.query(`SELECT count(*)::int AS n FROM sms_inbox`)).rows[0].n;
    expect(await smsc.mo(from, parts[2], { ref: 77, total: 3, seq: 3 })).toBe(smpp.ESME_ROK);
    expect(await smsc.mo(from, parts[0], { ref: 77, total: 3, seq: 1 })).toBe(smpp.ESME_ROK);
    expect(await smsc.mo(from, parts[0], { ref: 77, total: 3, seq: 1 })).toBe(smpp.ESME_ROK);
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM sms_inbox`)).rows[0].n).toBe(before);
    expect(await smsc.mo(from, parts[1], { ref: 77, total: 3, seq: 2 })).toBe(smpp.ESME_ROK);

    const { rows } = await t.db.pool.query(`SELECT text, phone FROM sms_inbox WHERE phone = '13955556666'`);
    expect(rows).toEqual([{ text: question, phone: '13955556666' }]);
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM sms_inbound_parts`)).rows[0].n).toBe(0);

    const [reply] = await waitFor(() => smsc.messagesTo('8613955556666').length > 0 && smsc.messagesTo('8613955556666'), 20_000, 'the reply');
    const [row] = await outboxRows(t, '13955556666');
    expect(reply).toBe(row.text);
    const submits = smsc.submits.filter((s) => s.to === '8613955556666');
    expect(submits.every((s) => s.dataCoding === 8)).toBe(true);
    if (row.segments > 1) {
      expect(submits).toHaveLength(row.segments);
      expect(submits.every((s) => s.text.length <= 67)).toBe(true);
    }
  });

  it('handles what arrived of a long text whose last part never came, marking the gap', async () => {
    expect(await smsc.mo('8613955557777', '大蒜根蛆咋防治，用什么药，', { ref: 9, total: 3, seq: 1 })).toBe(smpp.ESME_ROK);
    expect(await smsc.mo('8613955557777', '什么时候用最好？', { ref: 9, total: 3, seq: 3 })).toBe(smpp.ESME_ROK);
    expect(await flushStaleParts(inboundDeps(t.config, t.db.pool, t.turns), 3600)).toEqual([]); // not stale yet
    const stored = await flushStaleParts(inboundDeps(t.config, t.db.pool, t.turns), 0);
    expect(stored).toHaveLength(1);
    const { rows } = await t.db.pool.query(`SELECT text FROM sms_inbox WHERE phone = '13955557777'`);
    expect(rows).toEqual([{ text: '大蒜根蛆咋防治，用什么药，…什么时候用最好？' }]);
  });

  it('records delivery receipts against the submitted parts', async () => {
    const [id] = await enqueueSms(t.db.pool, { to: '13966667777', text: '您预约的农机作业明天上午8点到。'.repeat(6), kind: 'notify' });
    const row = await waitFor(async () => (await outboxRows(t, '13966667777')).find((r) => r.id === id && r.status === 'sent'), 10_000, 'sent');
    const parts = smsc.submits.filter((s) => s.to === '8613966667777');
    expect(parts.length).toBe(row.segments);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts.slice(0, -1)) expect(await smsc.receipt(p.messageId, 'DELIVRD')).toBe(smpp.ESME_ROK);
    expect((await outboxRows(t, '13966667777'))[0].status).toBe('sent'); // one part still on its way
    await smsc.receipt(parts[parts.length - 1].messageId, 'DELIVRD');
    expect((await outboxRows(t, '13966667777'))[0]).toMatchObject({ status: 'delivered', dlr_status: 'DELIVRD' });
  });

  it('keeps messages queued while the SMSC is gone and sends each once after the reconnect', async () => {
    const binds = smsc.binds.length;
    smsc.dropAll();
    await waitFor(() => !sms.gateway.ready(), 15_000, 'the link loss');
    const phones = ['13970000001', '13970000002', '13970000003', '13970000004', '13970000005'];
    for (const p of phones) await enqueueSms(t.db.pool, { to: p, text: `测试消息${p}`, kind: 'notify' });
    await new Promise((r) => setTimeout(r, 150));
    for (const p of phones) expect((await outboxRows(t, p))[0].status).toBe('queued');
    await waitFor(() => smsc.binds.length > binds, 10_000, 'the rebind');
    for (const p of phones) {
      await waitFor(async () => (await outboxRows(t, p))[0].status === 'sent', 10_000, `sent to ${p}`);
      expect(smsc.messagesTo(`86${p}`)).toEqual([`测试消息${p}`]);
    }
  });

  it('drops a link whose SMSC stops answering enquire_link, and binds again', async () => {
    const binds = smsc.binds.length;
    smsc.frozen = true;
    await waitFor(() => !sms.gateway.ready(), 10_000, 'the dead link to be dropped');
    smsc.frozen = false;
    await waitFor(() => smsc.binds.length > binds && sms.gateway.ready(), 10_000, 'the rebind');
  });

  it('keeps at most a window of 10 submits unanswered, and all go', async () => {
    smsc.maxOutstanding = 0;
    // The SMSC holds every answer until released, so the window is seen full however slow the machine is.
    let release!: () => void;
    smsc.hold = new Promise<void>((r) => { release = r; });
    const phones = Array.from({ length: 40 }, (_, i) => `1398000${String(i).padStart(4, '0')}`);
    for (const p of phones) await enqueueSms(t.db.pool, { to: p, text: '窗口测试', kind: 'notify' });
    await waitFor(() => smsc.outstanding === 10, 10_000, 'a full window of 10 unanswered submits');
    await new Promise((r) => setTimeout(r, 300));
    expect(smsc.outstanding).toBe(10); // and no 11th while all ten wait
    smsc.hold = null;
    release();
    for (const p of phones) await waitFor(async () => (await outboxRows(t, p))[0].status === 'sent', 10_000, `sent to ${p}`);
    expect(smsc.maxOutstanding).toBe(10);
  });

  it('retries a throttled submit and fails a refused number for good', async () => {
    let throttled = 0;
    smsc.respond = (s) => {
      if (s.to === '8613990000001' && throttled++ < 2) return { status: smpp.ESME_RTHROTTLED };
      if (s.to === '8613990000002') return { status: smpp.ESME_RINVDSTADR };
      return {};
    };
    await enqueueSms(t.db.pool, { to: '13990000001', text: '限流后重试', kind: 'notify' });
    await enqueueSms(t.db.pool, { to: '13990000002', text: '号码无效', kind: 'notify' });
    const ok = await waitFor(async () => (await outboxRows(t, '13990000001')).find((r) => r.status === 'sent'), 10_000, 'the throttled one');
    expect(ok.attempts).toBe(3);
    const bad = await waitFor(async () => (await outboxRows(t, '13990000002')).find((r) => r.status === 'failed'), 10_000, 'the refused one');
    expect(bad.attempts).toBe(1);
    expect(bad.last_error).toMatch(/0xb/);
    smsc.respond = () => ({});
  });

  it('refuses an inbound text from a number that is not a phone, an empty one, or binary data, counting each, with a permanent error', async () => {
    const rejected = gateway().counters.rejected;
    expect(await smsc.mo('12345', '你好')).toBe(smpp.ESME_RX_P_APPN);
    expect(await smsc.mo('8613800138000', '   ')).toBe(smpp.ESME_RX_P_APPN);
    // 8-bit binary data (data_coding 4) is not a text a farmer wrote.
    expect(await smsc.deliver({
      source_addr: '8613800138000', destination_addr: '106900001234', data_coding: 4, short_message: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    })).toBe(smpp.ESME_RX_P_APPN);
    expect(gateway().counters.rejected).toBe(rejected + 3);
    expect(sms.gateway.ready()).toBe(true);
  });
});
