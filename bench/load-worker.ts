import { parentPort, workerData } from 'node:worker_threads';
import { runLoad, runOpenLoop } from './load.ts';

// Runs a load in its own thread so the client's own work does not share the server's event loop.
// kind: 'health' (GET /health, closed loop), 'turns' (closed loop), 'open' (turns offered at `rate` per second).
const { url, concurrency, seconds, kind, token, questions, rate, phonePrefix, start } = workerData as {
  url: string; concurrency: number; seconds: number; kind: 'health' | 'turns' | 'open'; token: string;
  questions: string[]; rate?: number; phonePrefix?: string; start?: number;
};
// Each turn takes the next text of the mix, whichever client sends it: concurrent clients do not ask the same
// question at the same moment (which would let an answer cache serve the whole crowd).
let next = start ?? 0;
const turn = (client: number) => ({
  method: 'POST', path: '/api/v1/messages', headers: { authorization: `Bearer ${token}` },
  body: { text: questions[next++ % questions.length], from: { phone: `${phonePrefix ?? '139'}${String(client).padStart(8, '0')}` } },
});
const result =
  kind === 'health'
    ? await runLoad({ url, concurrency, seconds, request: () => ({ method: 'GET', path: '/health' }) })
    : kind === 'open'
      ? await runOpenLoop({ url, rate: rate ?? 100, seconds, request: turn })
      : await runLoad({ url, concurrency, seconds, request: turn });
parentPort!.postMessage(result);
