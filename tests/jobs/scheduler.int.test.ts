import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/pool.ts';
import { JobFailure, recentRuns, Scheduler, type JobLog, type TickResult } from '../../src/jobs/index.ts';
import { createMetrics } from '../../src/metrics/index.ts';
import { createTestDatabase } from '../helpers/database.ts';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function newScheduler(logs: { level: string; msg: string; fields: Record<string, unknown> }[] = []) {
  const log: JobLog = (level, fields, msg) => logs.push({ level, fields, msg });
  return new Scheduler({ db, instanceId: 'test-a', log });
}

describe('Scheduler.register', () => {
  it('refuses bad definitions with messages that say what to write', () => {
    const s = newScheduler();
    const run = async () => ({});
    expect(() => s.register({ name: 'Bad Name', schedule: '* * * * *', run })).toThrow(/lower-case letters, digits and dashes/);
    expect(() => s.register({ name: 'ok', schedule: 'every minute', run })).toThrow(/not a cron expression.*\*\/5 \* \* \* \*/);
    expect(() => s.register({ name: 'ok', schedule: '* * * * *', run: 'x' as never })).toThrow(/run must be an async function/);
    s.register({ name: 'ok', schedule: '* * * * *', run });
    expect(() => s.register({ name: 'ok', schedule: '* * * * *', run })).toThrow(/already registered/);
    expect(s.jobs()).toEqual([{ name: 'ok', schedule: '* * * * *', enabled: true }]);
  });
});

describe('Scheduler.runNow', () => {
  it('records a run with its counts', async () => {
    const s = newScheduler().register({ name: 'counts', schedule: '0 0 * * *', run: async () => ({ closed: 3, note: 'x' }) });
    const r = await s.runNow('counts');
    expect(r).toMatchObject({ outcome: 'succeeded', counts: { closed: 3, note: 'x' } });
    const [run] = await recentRuns(db.pool, { job: 'counts' });
    expect(run).toMatchObject({ outcome: 'succeeded', counts: { closed: 3, note: 'x' }, instance: 'test-a', error: null, slot: null });
    expect(run.finishedAt).not.toBeNull();
  });

  it('never throws: a failing job is logged with its name, counted and recorded with its cause', async () => {
    const logs: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
    const metrics = createMetrics();
    const s = new Scheduler({ db, instanceId: 'test-a', log: (level, fields, msg) => logs.push({ level, fields, msg }), observer: metrics.jobs });
    s.register({
      name: 'broken', schedule: '0 0 * * *',
      run: async () => {
        throw new Error('feed unreachable', { cause: new Error('ECONNREFUSED 127.0.0.1:9') });
      },
    });
    s.register({
      name: 'partly', schedule: '0 0 * * *',
      run: async () => {
        throw new JobFailure('the feed failed', { filesImported: 2 });
      },
    });
    const r = await s.runNow('broken');
    expect(r).toMatchObject({ outcome: 'failed', error: 'feed unreachable ← ECONNREFUSED 127.0.0.1:9' });
    expect(logs.find((l) => l.level === 'error')).toMatchObject({ fields: { job: 'broken' } });
    expect((await recentRuns(db.pool, { job: 'broken' }))[0]).toMatchObject({ outcome: 'failed', error: 'feed unreachable ← ECONNREFUSED 127.0.0.1:9' });
    expect(await s.runNow('partly')).toMatchObject({ outcome: 'failed', counts: { filesImported: 2 } });
    expect((await recentRuns(db.pool, { job: 'partly' }))[0].counts).toEqual({ filesImported: 2 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('yinong_job_runs_total{job="broken",outcome="failed"} 1');
  });

  it('runs a scheduled slot once, however many ticks ask for it', async () => {
    let calls = 0;
    const a = newScheduler().register({ name: 'slotted', schedule: '* * * * *', run: async () => ({ n: ++calls }) });
    const b = new Scheduler({ db, instanceId: 'test-b' }).register({ name: 'slotted', schedule: '* * * * *', run: async () => ({ n: ++calls }) });
    const slot = new Date('2026-11-28T04:00:00.400Z');
    expect((await a.runNow('slotted', { slot })).outcome).toBe('succeeded');
    expect(await b.runNow('slotted', { slot })).toEqual({ outcome: 'skipped', reason: 'already-ran' });
    expect((await b.runNow('slotted', { slot: new Date('2026-11-28T04:01:00Z') })).outcome).toBe('succeeded');
    expect(calls).toBe(2);
    const runs = await recentRuns(db.pool, { job: 'slotted' });
    expect(runs.map((r) => r.slot).sort()).toEqual(['2026-11-28T04:00:00.000Z', '2026-11-28T04:01:00.000Z']);
  });

  it('does not overlap a run of the same job in this process', async () => {
    let release: (() => void) | undefined;
    const s = newScheduler().register({
      name: 'slow', schedule: '* * * * *', run: () => new Promise((r) => (release = () => r({}))),
    });
    const first = s.runNow('slow');
    expect(await s.runNow('slow')).toEqual({ outcome: 'skipped', reason: 'busy' });
    while (!release) await sleep(10); // the run has begun (lock taken, run recorded)
    expect(await s.runNow('slow')).toEqual({ outcome: 'skipped', reason: 'busy' });
    release();
    expect((await first).outcome).toBe('succeeded');
  });

  it('marks runs left running by a dead instance abandoned on the next run', async () => {
    await db.pool.query(`INSERT INTO job_runs (job, instance, started_at) VALUES ('orphan', 'dead-1', now() - interval '1 hour')`);
    const s = newScheduler().register({ name: 'orphan', schedule: '* * * * *', run: async () => ({}) });
    await s.runNow('orphan');
    const runs = await recentRuns(db.pool, { job: 'orphan' });
    expect(runs.map((r) => r.outcome).sort()).toEqual(['abandoned', 'succeeded']);
  });
});

describe('Scheduler schedules', () => {
  it('fires on its cron schedule, skips disabled jobs, and stop waits for the run in progress', async () => {
    let ticks = 0;
    let finished = 0;
    const s = newScheduler();
    s.register({
      name: 'every-second', schedule: '* * * * * *',
      run: async () => {
        ticks++;
        await sleep(300);
        finished++;
        return { ticks };
      },
    });
    s.register({ name: 'off', schedule: '* * * * * *', enabled: false, run: async () => { throw new Error('must not run'); } });
    s.start();
    await sleep(2300);
    const seen = ticks;
    expect(seen).toBeGreaterThanOrEqual(2);
    // Stop lands while a run may be in progress: it must finish, and nothing starts after.
    const stopped = await s.stop(5000);
    expect(stopped.unfinished).toEqual([]);
    expect(finished).toBe(ticks);
    await sleep(1200);
    expect(ticks).toBe(finished);
    expect(await recentRuns(db.pool, { job: 'off' })).toEqual([]);
    const runs = await recentRuns(db.pool, { job: 'every-second' });
    expect(runs.length).toBe(ticks);
    expect(new Set(runs.map((r) => r.slot)).size).toBe(ticks);
    expect(runs.every((r) => r.outcome === 'succeeded')).toBe(true);
  });

  it('says when a stop gives up waiting', async () => {
    const s = newScheduler().register({ name: 'stuck', schedule: '* * * * *', run: () => sleep(1500).then(() => ({})) });
    const run: Promise<TickResult> = s.runNow('stuck');
    await sleep(50);
    expect(await s.stop(100)).toEqual({ unfinished: ['stuck'] });
    expect((await run).outcome).toBe('succeeded');
    expect(await s.runNow('stuck')).toEqual({ outcome: 'skipped', reason: 'stopping' });
  });
});
