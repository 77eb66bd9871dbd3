import { parentPort, workerData } from 'node:worker_threads';
import { runLoad } from './load.ts';

// Runs a load in its own thread so the client's own work does not share the server's event loop.
const { url, concurrency, seconds, kind, token, questions } = workerData as {
  url: string; concurrency: number; seconds: number; kind: 'health' | 'turns'; token: string; questions: string[];
};
const result = await runLoad({
  url, concurrency, seconds,
  request:
    kind === 'health'
      ? () => ({ method: 'GET', path: '/health' })
      : (client, i) => ({
          method: 'POST', path: '/api/v1/messages', headers: { authorization: `Bearer ${token}` },
          body: { text: questions[(client + i) % questions.length], from: { phone: `139${String(client).padStart(8, '0')}` } },
        }),
});
parentPort!.postMessage(result);
