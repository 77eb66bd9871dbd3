import http from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  ms: { p50: number; p95: number; p975: number; p99: number };
}

type Request = (client: number, i: number) => { method: string; path: string; body?: unknown; headers?: Record<string, string> };

function send(agent: http.Agent, base: URL, r: ReturnType<Request>): Promise<number> {
  return new Promise<number>((resolve) => {
    const payload = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body));
    const req = http.request(
      {
        agent, host: base.hostname, port: base.port, method: r.method, path: r.path,
        headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}), ...r.headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(payload);
  });
}

function summarise(times: number[], errors: number, started: number): LoadResult {
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const at = (q: number) => (times.length ? +times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1) : 0);
  return {
    requests: times.length, errors, seconds: +seconds.toFixed(1), perSecond: Math.round(times.length / seconds),
    ms: { p50: at(0.5), p95: at(0.95), p975: at(0.975), p99: at(0.99) },
  };
}

/**
 * A bounded open-loop load: requests start at `rate` per second on schedule, whether or not earlier ones have
 * answered (as farmers do), for `seconds`. Each latency is measured from the request's scheduled start, so a
 * server that falls behind shows it in the percentiles instead of slowing the load down. At most `maxInFlight`
 * are outstanding; a request that would pass that bound counts as an error. Stops by itself.
 */
export async function runOpenLoop(opts: { url: string; rate: number; seconds: number; maxInFlight?: number; request: Request }): Promise<LoadResult> {
  const maxInFlight = opts.maxInFlight ?? 2000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const base = new URL(opts.url);
  const times: number[] = [];
  const pending = new Set<Promise<void>>();
  let errors = 0;
  const total = Math.round(opts.rate * opts.seconds);
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (pending.size >= maxInFlight) {
      errors++;
      continue;
    }
    const p = send(agent, base, opts.request(i % 1000, i)).then((status) => {
      times.push(performance.now() - due);
      if (status !== 200) errors++;
      pending.delete(p);
    });
    pending.add(p);
  }
  await Promise.all(pending);
  agent.destroy();
  return summarise(times, errors, started);
}

/**
 * A bounded closed-loop load on loopback: `concurrency` clients each send one request after another for
 * `seconds`, over keep-alive connections. Stops by itself.
 */
export async function runLoad(opts: {
  url: string;
  concurrency: number;
  seconds: number;
  request: Request;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const base = new URL(opts.url);
  const times: number[] = [];
  let errors = 0;
  const deadline = performance.now() + opts.seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t = performance.now();
        const status = await send(agent, base, opts.request(client, i));
        times.push(performance.now() - t);
        if (status !== 200) errors++;
      }
    }),
  );
  agent.destroy();
  return summarise(times, errors, started);
}
