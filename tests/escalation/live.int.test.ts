import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, newDeviceId, startServer, type LiveServer } from '../webchat/client.ts';
import { ALWAYS, person, type Person } from './people.ts';

// Over real sockets: the farmer on web-chat (WebSocket) sees the expert's answer live; the console hears
// about new tickets on its event stream; the console page is served with a strict policy.
let s: LiveServer;
let expert: Person;
let officer: Person;

beforeAll(async () => {
  s = await startServer();
  expert = await person(s, { username: 'jz_live', role: 'expert', name: '经作专家', phone: '13900000101', specialties: ['经济作物', '果树', '粮食作物', '植保'], ...ALWAYS });
  officer = await person(s, { username: 'xxy_live', role: 'officer', name: '信息员', village: '李庄村' });
}, 300_000);
afterAll(async () => {
  await s?.close();
});

/** Read Server-Sent Events from the ticket stream until `want` matches one. */
async function streamUntil(token: string, want: (data: any) => boolean, started: (ready: Promise<void>) => Promise<void>) {
  const controller = new AbortController();
  const res = await fetch(`${s.base}/api/v1/tickets/stream`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let hello!: () => void;
  const ready = new Promise<void>((r) => (hello = r));
  const found = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (frame.includes('event: hello')) hello();
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (frame.includes('event: ticket') && data && want(JSON.parse(data))) return JSON.parse(data);
      }
    }
  })();
  await started(ready);
  try {
    return await found;
  } finally {
    controller.abort();
  }
}

describe('web-chat farmer and the expert console', () => {
  it('the console hears of the new ticket, and the farmer sees the expert’s answer live', async () => {
    const { client } = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId() });
    let ticketId = '';
    const notice = await streamUntil(expert.token, (n) => n.kind === 'created', async (ready) => {
      await ready;
      const { reply } = await client.ask('家里的蓝莓叶子发红是怎么回事');
      expect(reply.escalated).toBe(true);
      expect(reply.text).toMatch(/经作专家负责/);
      ticketId = reply.ticketId;
    });
    expect(notice).toMatchObject({ ticketId, status: 'assigned', assigneeId: expert.id });

    const started = performance.now();
    const res = await fetch(`${s.base}/api/v1/tickets/${ticketId}/reply`, {
      method: 'POST', headers: { ...expert.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ text: '多半是缺铁，浇点硫酸亚铁水。' }),
    });
    expect(res.status).toBe(200);
    const live = await client.next('message', 20_000, (f) => f.author === 'expert');
    const ms = performance.now() - started;
    expect(live.text).toBe('多半是缺铁，浇点硫酸亚铁水。');
    console.log(`expert reply → farmer's WebSocket: ${ms.toFixed(1)} ms (one sample; see bench/tickets.ts)`);
    client.close();
  });
});

describe('代问', () => {
  it('an expert’s answer to a question an officer asked for a farmer also goes to the farmer by SMS', async () => {
    const asked = await fetch(`${s.base}/api/v1/messages`, {
      method: 'POST', headers: { ...officer.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ text: '代问 13866667777 家里石榴树开花不坐果咋回事', onBehalfOf: { phone: '13866667777' } }),
    });
    const body = await asked.json();
    const ticketId = body.replies[0].ticketId;
    expect(ticketId, JSON.stringify(body)).toBeTruthy();
    const res = await fetch(`${s.base}/api/v1/tickets/${ticketId}/reply`, {
      method: 'POST', headers: { ...expert.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ text: '石榴花期别大水大肥，盛花期可以人工授粉。' }),
    });
    expect(res.status).toBe(200);
    const { rows } = await s.db.pool.query(`SELECT text FROM sms_outbox WHERE phone = '13866667777' AND kind = 'expert'`);
    expect(rows[0]?.text).toContain('人工授粉');
    const officerView = await fetch(`${s.base}/api/v1/tickets/${ticketId}`, { headers: officer.headers });
    expect(officerView.status).toBe(200);
  });
});

describe('the console page', () => {
  it('is served at /expert with its script and styles, framed by nobody', async () => {
    const page = await fetch(`${s.base}/expert`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    const html = await page.text();
    expect(html).toContain('专家台');
    expect(html).toContain('name="viewport"');
    for (const path of ['/expert/app.js', '/expert/style.css']) {
      const res = await fetch(`${s.base}${path}`);
      expect(res.status).toBe(200);
      expect((await res.text()).length).toBeGreaterThan(500);
    }
  });
});
