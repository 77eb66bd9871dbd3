import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_NOW, type TestContext } from '../helpers/app.ts';
import { ask } from '../escalation/people.ts';
import { PARAPHRASES } from './paraphrases.ts';

// The plan's facts asked in words nobody tuned on (tests/programme/paraphrases.ts): each answered, not handed
// over, with the plan's own figures and names. One the assistant still misses runs as an expected failure,
// so the day it is fixed the test says so (none now).
const STILL_MISSED = new Set<string>([]);

let t: TestContext;
let n = 0;
beforeAll(async () => {
  t = await createTestApp({}, { seed: true, clock: () => DEMO_NOW });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('the plan in words nobody tuned on', () => {
  for (const { question, facts } of PARAPHRASES) {
    const test = STILL_MISSED.has(question) ? it.fails : it;
    test(question, async () => {
      const { replies } = await ask(t, question, `1360000${String(n++).padStart(4, '0')}`);
      const [reply] = replies;
      expect(reply.escalated, reply.text).toBe(false);
      for (const fact of facts) expect(reply.text).toContain(fact);
    });
  }
});
