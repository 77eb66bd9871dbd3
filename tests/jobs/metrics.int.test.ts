import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({ METRICS_TOKEN: 'metrics-token-0123456789' }, { seed: true });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

const scrape = () => t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer metrics-token-0123456789' } });

describe('GET /metrics', () => {
  it('wants METRICS_TOKEN when one is set', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toContain('METRICS_TOKEN');
    expect((await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401);
  });

  it('serves Prometheus text: turns by intent and channel, escalations, HTTP latency by route, database gauges', async () => {
    for (const text of ['金乡大蒜今天啥价', '金乡大蒜今天啥价', '转人工']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: adminAuth, payload: { text, from: { phone: '13900000555' } } });
      expect(res.statusCode).toBe(200);
    }
    await t.app.inject({ method: 'GET', url: '/api/v1/conversations/00000000-0000-0000-0000-000000000000/messages', headers: adminAuth });
    // The turn counter waits on a lookup of the conversation's channel: poll (up to 20 s on a loaded machine).
    let res = await scrape();
    for (let i = 0; i < 400 && !res.body.includes('channel="api"} 2'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      res = await scrape();
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    expect(text).toContain('yinong_turns_total{intent="price",channel="api"} 2');
    expect(text).toContain('yinong_turns_total{intent="handoff",channel="api"} 1');
    expect(text).toContain('yinong_escalations_total{channel="api"} 1');
    expect(text).toContain('yinong_http_request_duration_seconds_count{method="POST",route="/api/v1/messages",status="200"} 3');
    // The route's pattern, never the id in the URL.
    expect(text).toContain('route="/api/v1/conversations/:id/messages",status="404"');
    expect(text).toContain('yinong_database_up 1');
    expect(text).toMatch(/yinong_tickets\{status="(open|assigned)"\} 1/);
    expect(text).toContain('yinong_sms_outbox{status="queued"}');
    expect(text).toContain('process_cpu_seconds_total');
  });
});
