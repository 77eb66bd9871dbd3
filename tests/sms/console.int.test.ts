import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { startSms, type SmsService } from '../../src/channels/sms/index.ts';
import type { ConsoleGateway } from '../../src/channels/sms/console-gateway.ts';
import { createSmsApp, waitFor, type SmsTestApp } from './helpers.ts';

let t: SmsTestApp;
let sms: SmsService;
const printed: string[] = [];
beforeAll(async () => {
  t = await createSmsApp({ SMS_GATEWAY: 'console', SMS_HTTP_SECRET: '', SMS_HTTP_URL: '', NODE_ENV: 'development', SMS_POLL_MS: '50' }, { seed: false });
  sms = await startSms(t.config, t.db.pool, t.turns, (_level, fields, msg) => printed.push(`${msg} ${JSON.stringify(fields)}`));
}, 300_000);
afterAll(async () => {
  await sms?.stop();
  await t?.close();
});

describe('console gateway (development)', () => {
  it('takes a text on the local route and prints the reply, phone masked', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/webhooks/sms/console', payload: { from: '13812345678', text: '你好' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().replies[0]).toMatch(/益农助手/);
    await waitFor(() => (sms.gateway as ConsoleGateway).sent.length === 1, 10_000, 'the printed reply');
    expect(printed.some((p) => p.includes('138****5678') && p.includes('益农助手'))).toBe(true);
    expect(printed.some((p) => p.includes('13812345678'))).toBe(false);
  });

  it('gives bad input a 4xx with a reason', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/webhooks/sms/console', payload: { from: 'nobody', text: '你好' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_phone');
    const missing = await t.app.inject({ method: 'POST', url: '/webhooks/sms/console', payload: { from: '13812345678' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/text/);
  });

  it('has no HTTP gateway webhook without a secret', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/webhooks/sms/http', payload: {} });
    expect(res.statusCode).toBe(404);
  });
});

describe('SMS settings', () => {
  const base = { ADMIN_TOKEN: 'x'.repeat(20) };
  it('refuses an unknown gateway name and incomplete gateway settings, naming them', () => {
    expect(() => loadConfig({ ...base, SMS_GATEWAY: 'pigeon' })).toThrow(/SMS_GATEWAY: must be http, smpp or console/);
    expect(() => loadConfig({ ...base, SMS_GATEWAY: 'http' })).toThrow(/SMS_HTTP_URL: is required[\s\S]*SMS_HTTP_SECRET: is required/);
    expect(() => loadConfig({ ...base, SMS_GATEWAY: 'smpp' })).toThrow(/SMPP_HOST: is required/);
    expect(() => loadConfig({ ...base, SMS_HTTP_SECRET: 'short' })).toThrow(ConfigError);
  });

  it('defaults to the console gateway, three segments and a 5-minute signature window', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({ SMS_GATEWAY: 'console', SMS_BUDGET_SEGMENTS: 3, SMS_SIGNATURE_MAX_AGE_SECONDS: 300, SMPP_WINDOW: 10 });
  });

  it('keeps the console route out of production', async () => {
    const prod = await createSmsApp({ SMS_GATEWAY: 'console', SMS_HTTP_SECRET: '', SMS_HTTP_URL: '', NODE_ENV: 'production' }, { seed: false });
    try {
      const res = await prod.app.inject({ method: 'POST', url: '/webhooks/sms/console', payload: { from: '13812345678', text: '你好' } });
      expect(res.statusCode).toBe(404);
    } finally {
      await prod.close();
    }
  });
});
