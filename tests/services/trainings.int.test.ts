import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestContext } from '../helpers/app.ts';
import { adminAuth, events, officer, servicesApp } from './helpers.ts';

let t: TestContext;
let wenshang: { authorization: string };
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
beforeAll(async () => {
  t = await servicesApp();
  wenshang = await officer(t, { username: 'ws-officer', county: '汶上县', name: '汶上信息员' });
});
afterAll(async () => {
  await t?.close();
});

const create = (headers: Record<string, string>, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/v1/trainings', headers, payload });
const signup = (id: string, phone: string, headers: Record<string, string> = wenshang) =>
  t.app.inject({ method: 'POST', url: `/api/v1/trainings/${id}/signups`, headers, payload: { phone } });

describe('trainings', () => {
  it('seats farmers, gives the same phone its seat again, then the waiting list', async () => {
    const res = await create(wenshang, { topic: '手机应用技能培训', county: '汶上县', town: '南旺镇', place: '南旺镇西街村益农信息社', startsAt: inDays(5), capacity: 2 });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    const a = await signup(id, '13905370201');
    expect(a.statusCode).toBe(201);
    expect(a.json()).toEqual({ status: 'seated', seat: 1, existing: false });
    const again = await signup(id, '+86 139 0537 0201');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: 'seated', seat: 1, existing: true });
    expect((await signup(id, '13905370202')).json()).toMatchObject({ status: 'seated', seat: 2 });
    const full = await signup(id, '13905370203');
    expect(full.statusCode).toBe(201);
    expect(full.json()).toEqual({ status: 'waitlisted', position: 1, existing: false });
    expect((await signup(id, '13905370204')).json()).toMatchObject({ status: 'waitlisted', position: 2 });
    expect((await signup(id, '13905370203')).json()).toEqual({ status: 'waitlisted', position: 1, existing: true });
    expect((await signup(id, 'not-a-phone')).statusCode).toBe(400);

    // attendance by the officer counts toward the programme's figures
    const marked = await t.app.inject({
      method: 'POST', url: `/api/v1/trainings/${id}/attendance`, headers: wenshang,
      payload: { attendance: [{ phone: '13905370201', attended: true }, { phone: '13905370202', attended: false }] },
    });
    expect(marked.statusCode, marked.body).toBe(200);
    const unknown = await t.app.inject({
      method: 'POST', url: `/api/v1/trainings/${id}/attendance`, headers: wenshang,
      payload: { attendance: [{ phone: '13905370201', attended: false }, { phone: '13905379999', attended: true }] },
    });
    expect(unknown.statusCode).toBe(400);
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/trainings?county=汶上县&town=南旺镇`, headers: adminAuth });
    // found by id: the shipped demo sessions in the same town may start sooner and be listed first
    expect(list.json().trainings.find((x: { id: string }) => x.id === id)).toMatchObject({ seated: 2, waitlisted: 2, attended: 1 });
    expect((await events(t, id)).map((e) => e.action)).toEqual(['created', 'attendance']);
  });

  it('never gives one seat twice when farmers sign up at the same moment', async () => {
    const res = await create(adminAuth, { topic: '植保无人机操作', county: '汶上县', place: '汶上县农机站', startsAt: inDays(6), capacity: 3 });
    const id = res.json().id;
    const results = await Promise.all([0, 1, 2, 3, 4].map((i) => signup(id, `1390537031${i}`)));
    const places = results.map((r) => r.json());
    expect(places.filter((p) => p.status === 'seated').map((p) => p.seat).sort()).toEqual([1, 2, 3]);
    expect(places.filter((p) => p.status === 'waitlisted').map((p) => p.position).sort()).toEqual([1, 2]);
  });

  it('lists the asker’s town first, then the county, soonest first', async () => {
    await create(adminAuth, { topic: '电商入门', county: '汶上县', place: '汶上县农业农村局', startsAt: inDays(2), capacity: 50 });
    await create(adminAuth, { topic: '病虫害防治', county: '梁山县', place: '梁山县农技站', startsAt: inDays(1), capacity: 50 });
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/trainings?county=汶上县&town=南旺镇&from=${encodeURIComponent(new Date().toISOString())}`, headers: adminAuth });
    const topics = res.json().trainings.map((x: { topic: string; place: string }) => x.place);
    expect(topics.indexOf('南旺镇西街村益农信息社')).toBeLessThan(topics.indexOf('汶上县农业农村局'));
    expect(topics.indexOf('汶上县农业农村局')).toBeLessThan(topics.indexOf('梁山县农技站'));
  });

  it('keeps officers to their county and refuses sessions in the past or without a time', async () => {
    expect((await create(wenshang, { topic: '电商', county: '梁山县', place: '梁山', startsAt: inDays(3), capacity: 10 })).statusCode).toBe(403);
    const past = await create(adminAuth, { topic: '电商', county: '梁山县', place: '梁山', startsAt: inDays(-1), capacity: 10 });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.message).toContain('已经过了');
    expect((await create(adminAuth, { topic: '电商', county: '梁山县', place: '梁山', startsAt: '2027-01-05', capacity: 10 })).statusCode).toBe(400);
    expect((await create(adminAuth, { topic: '电商', county: '梁山县', place: '梁山', startsAt: inDays(3), capacity: 0 })).statusCode).toBe(400);
    const other = (await t.app.inject({ method: 'GET', url: '/api/v1/trainings?county=梁山县', headers: adminAuth })).json().trainings
      .find((x: { county: string }) => x.county === '梁山县');
    expect((await signup(other.id, '13905370205')).statusCode).toBe(403);
    expect((await signup('00000000-0000-4000-8000-000000000000', '13905370205', adminAuth)).statusCode).toBe(404);
  });
});
