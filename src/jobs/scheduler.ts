import cron, { type ScheduledTask } from 'node-cron';
import type { Database } from '../db/pool.ts';
import { advisoryLocker, type JobLocker } from './lock.ts';
import { abandonStaleRuns, finishRun, startRun } from './runs.ts';

/** What a run reports: counts (and small facts) stored in job_runs.counts as JSON. */
export type JobCounts = Record<string, unknown>;

export type JobLog = (level: 'debug' | 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string) => void;

export interface JobContext {
  job: string;
  /** The scheduled moment this run is for; null when started by hand (runNow without a slot). */
  slot: Date | null;
  /** Aborted when the scheduler stops: stop at a safe point (roll back, leave the rest for the next run). */
  signal: AbortSignal;
  /** job_runs.id of this run. */
  runId: string;
  log: JobLog;
}

export interface JobDefinition {
  /** Lower-case letters, digits and dashes, e.g. "price-import": the key in job_runs, logs and metrics. */
  name: string;
  /** A node-cron expression (5 fields, or 6 with seconds first). */
  schedule: string;
  /** The job itself: a plain async function; throw to mark the run failed (a JobFailure keeps its counts). */
  run: (ctx: JobContext) => Promise<JobCounts | void>;
  /** false: registered (listed, runnable by hand) but never scheduled. Default true. */
  enabled?: boolean;
}

/** A failed run that still has counts worth keeping (e.g. the drop folder imported, the feed unreachable). */
export class JobFailure extends Error {
  constructor(message: string, readonly counts: JobCounts, options?: ErrorOptions) {
    super(message, options);
  }
}

export type TickResult =
  | { outcome: 'succeeded'; runId: string; counts: JobCounts; seconds: number }
  | { outcome: 'failed'; runId: string | null; error: string; counts: JobCounts; seconds: number }
  | { outcome: 'skipped'; reason: 'stopping' | 'busy' | 'locked' | 'already-ran' | 'unknown-job' };

/** What the scheduler reports to metrics (src/metrics implements it). */
export interface JobObserver {
  run(job: string, outcome: 'succeeded' | 'failed', seconds: number): void;
  skipped(job: string, reason: string): void;
}

export interface SchedulerOptions {
  db: Database;
  /** Recorded with each run. */
  instanceId: string;
  /** Time zone the cron expressions are read in (default Asia/Shanghai: farmers' time). */
  timezone?: string;
  log?: JobLog;
  observer?: JobObserver;
  /** Override the advisory locking (tests). */
  locker?: JobLocker;
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** "message ← cause ← cause": what job_runs.error and the log keep of an error. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.message || e.name : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(' ← ');
}

interface Entry {
  def: JobDefinition;
  task?: ScheduledTask;
  /** The run in progress in this process. */
  running?: Promise<TickResult>;
}

/**
 * Cron schedules over PostgreSQL: every tick takes the job's advisory lock, so with N instances a job runs
 * once (and never overlaps itself), and records the run in job_runs. A tick never throws: an error is logged
 * with the job's name, counted, and stored with the run. `stop` waits for the runs in progress.
 */
export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly locker: JobLocker;
  private readonly log: JobLog;
  private readonly abort = new AbortController();
  private started = false;
  private stopping = false;

  constructor(private readonly opts: SchedulerOptions) {
    if (!opts.instanceId) throw new Error('Scheduler needs an instanceId (config.INSTANCE_ID)');
    this.locker = opts.locker ?? advisoryLocker(opts.db);
    this.log = opts.log ?? (() => {});
  }

  /** Add a job. Throws (at start-up) on a bad name, a bad schedule or a name already taken. */
  register(def: JobDefinition): this {
    if (!def || typeof def !== 'object') throw new Error('register({ name, schedule, run }) needs a job definition object');
    if (!NAME.test(def.name ?? '')) {
      throw new Error(`job name "${def.name}" must be lower-case letters, digits and dashes, starting with a letter (e.g. "ticket-sla")`);
    }
    if (this.entries.has(def.name)) throw new Error(`a job named "${def.name}" is already registered; pick another name`);
    if (typeof def.run !== 'function') throw new Error(`job "${def.name}": run must be an async function (ctx) => counts`);
    if (typeof def.schedule !== 'string' || !cron.validate(def.schedule)) {
      throw new Error(
        `job "${def.name}": schedule "${def.schedule}" is not a cron expression; write "minute hour day month weekday" such as "*/5 * * * *"`,
      );
    }
    const entry: Entry = { def };
    this.entries.set(def.name, entry);
    if (this.started && !this.stopping) this.schedule(entry);
    return this;
  }

  /** Every registered job: name, schedule, whether it is scheduled. */
  jobs(): { name: string; schedule: string; enabled: boolean }[] {
    return [...this.entries.values()].map(({ def }) => ({ name: def.name, schedule: def.schedule, enabled: def.enabled !== false }));
  }

  /** Start the schedules of every enabled job (jobs registered later start at once). */
  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    for (const entry of this.entries.values()) this.schedule(entry);
  }

  private schedule(entry: Entry): void {
    const { def } = entry;
    if (def.enabled === false || entry.task) return;
    const name = def.name;
    entry.task = cron.createTask(def.schedule, (ctx) => this.runNow(name, { slot: ctx.date }), {
      name: `yinong:${name}`,
      timezone: this.opts.timezone ?? 'Asia/Shanghai',
      unref: true,
      logger: {
        info: (m) => this.log('debug', { job: name }, m),
        warn: (m) => this.log('warn', { job: name }, m),
        error: (m, err) => this.log('error', { job: name, err: err ?? m }, 'cron scheduling error'),
        debug: (m) => this.log('debug', { job: name }, String(m)),
      },
    });
    void Promise.resolve(entry.task.start()).catch((err: unknown) => this.log('error', { job: name, err }, 'job schedule did not start'));
  }

  /**
   * Run a job now, as a tick does: lock, record, run, record the outcome. With `slot`, a run for that moment
   * that already exists (another instance took it) makes this a skip. Never throws.
   */
  runNow(name: string, opts: { slot?: Date } = {}): Promise<TickResult> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.resolve({ outcome: 'skipped', reason: 'unknown-job' });
    if (this.stopping) return this.skip(name, 'stopping');
    if (entry.running) return this.skip(name, 'busy');
    const slot = opts.slot ? new Date(Math.floor(opts.slot.getTime() / 1000) * 1000) : null;
    const running = this.tick(entry.def, slot).finally(() => {
      entry.running = undefined;
    });
    entry.running = running;
    return running;
  }

  private skip(job: string, reason: 'stopping' | 'busy' | 'locked' | 'already-ran'): Promise<TickResult> {
    this.opts.observer?.skipped(job, reason);
    if (reason !== 'locked' && reason !== 'already-ran') this.log('debug', { job, reason }, 'job tick skipped');
    return Promise.resolve({ outcome: 'skipped', reason });
  }

  private async tick(def: JobDefinition, slot: Date | null): Promise<TickResult> {
    const job = def.name;
    const t0 = performance.now();
    const seconds = () => +((performance.now() - t0) / 1000).toFixed(3);
    let runId: string | null = null;
    let lock: Awaited<ReturnType<JobLocker['tryLock']>> = null;
    try {
      lock = await this.locker.tryLock(job);
      if (!lock) return await this.skip(job, 'locked');
      const abandoned = await abandonStaleRuns(lock.q, job);
      if (abandoned) this.log('warn', { job, abandoned }, 'earlier runs of this job never finished (their instance stopped); marked abandoned');
      runId = await startRun(lock.q, job, slot, this.opts.instanceId);
      if (!runId) return await this.skip(job, 'already-ran');

      let counts: JobCounts = {};
      let error: unknown;
      try {
        const log: JobLog = (level, fields, msg) => this.log(level, { job, runId, ...fields }, msg);
        counts = (await def.run({ job, slot, signal: this.abort.signal, runId, log })) ?? {};
      } catch (err) {
        error = err;
        if (err instanceof JobFailure) counts = err.counts;
      }
      const outcome = error === undefined ? 'succeeded' : 'failed';
      const message = error === undefined ? null : describeError(error);
      await finishRun(lock.q, runId, outcome, safeCounts(counts), message);
      const s = seconds();
      this.opts.observer?.run(job, outcome, s);
      if (error !== undefined) {
        this.log('error', { job, runId, err: error, counts, seconds: s }, `job ${job} failed: ${message}`);
        return { outcome: 'failed', runId, error: message!, counts, seconds: s };
      }
      this.log('info', { job, runId, counts, seconds: s }, `job ${job} done`);
      return { outcome: 'succeeded', runId, counts, seconds: s };
    } catch (err) {
      // The bookkeeping itself failed (database unreachable): the job may or may not have run.
      const message = describeError(err);
      const s = seconds();
      this.opts.observer?.run(job, 'failed', s);
      this.log('error', { job, runId, err }, `job ${job} tick failed: ${message}`);
      return { outcome: 'failed', runId, error: message, counts: {}, seconds: s };
    } finally {
      await lock?.release().catch(() => {});
    }
  }

  /**
   * Stop scheduling, tell runs in progress to stop at a safe point (ctx.signal), and wait for them, at most
   * `timeoutMs`. Resolves with the jobs still running when the wait ended (empty when all finished).
   */
  async stop(timeoutMs = 8000): Promise<{ unfinished: string[] }> {
    this.stopping = true;
    for (const entry of this.entries.values()) {
      const task = entry.task;
      entry.task = undefined;
      if (task) await Promise.resolve(task.destroy()).catch(() => {});
    }
    this.abort.abort(new Error('the scheduler is stopping'));
    const running = [...this.entries.values()].filter((e) => e.running);
    if (!running.length) return { unfinished: [] };
    const done = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(running.map((e) => e.running!.then(() => done.add(e.def.name)))),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    const unfinished = running.map((e) => e.def.name).filter((n) => !done.has(n));
    if (unfinished.length) this.log('warn', { unfinished }, 'jobs still running at stop; their runs will be marked abandoned');
    return { unfinished };
  }
}

/** Counts go into jsonb: anything that doesn't serialise is replaced by its description. */
function safeCounts(counts: JobCounts): JobCounts {
  try {
    JSON.stringify(counts);
    return counts;
  } catch (err) {
    return { unserialisable: describeError(err) };
  }
}
