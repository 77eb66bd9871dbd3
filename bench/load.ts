import http from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  ms: { p50: number; p95: number; p99: number };
}

/**
 * A bounded closed-loop load on loopback: `concurrency` clients each send one request after another for
 * `seconds`, over keep-alive connections. Stops by itself.
 */
export async function runLoad(opts: {
  url: string;
  concurrency: number;
  seconds: number;
  request: (client: number, i: number) => { method: string; path: string; body?: unknown; headers?: Record<string, string> };
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const base = new URL(opts.url);
  const times: number[] = [];
  let errors = 0;
  const deadline = performance.now() + opts.seconds * 1000;
  const started = performance.now();
  const one = (r: ReturnType<typeof opts.request>) =>
    new Promise<number>((resolve) => {
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
  await Promise.all(
    Array.from({ length: opts.concurrency }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t = performance.now();
        const status = await one(opts.request(client, i));
        times.push(performance.now() - t);
        if (status !== 200) errors++;
      }
    }),
  );
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const at = (q: number) => +times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  return { requests: times.length, errors, seconds: +seconds.toFixed(1), perSecond: Math.round(times.length / seconds), ms: { p50: at(0.5), p95: at(0.95), p99: at(0.99) } };
}
