import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrCreateConversation } from '../../src/conversations/store.ts';
import type { Principal } from '../../src/accounts/principal.ts';
import { createTestApp, DEMO_NOW, type TestContext } from '../helpers/app.ts';
import { person } from '../escalation/people.ts';

/**
 * The dialogue suite: tests/dialogues/*.yaml, one file per skill, each dialogue a fresh conversation whose
 * turns say what the farmer types and what the reply must be (intent, key facts, escalation).
 */
interface Turn {
  say: string;
  as?: 'farmer' | 'officer';
  intent?: string | string[];
  contains?: string[];
  /** at least one of these */
  containsAny?: string[];
  notContains?: string[];
  escalated?: boolean;
  cites?: string;
  noCitation?: boolean;
}
interface Dialogue {
  name: string;
  channel?: 'api' | 'sms' | 'web';
  /** A gap the agent still has (tests/dialogues/KNOWN-GAPS.md says why): run as an expected failure. */
  known_gap?: boolean;
  /** In known-gaps.yaml: the skill file the dialogue goes back to once it passes. */
  from?: string;
  /** The county of the officer who says the `as: officer` turns (default 金乡县): an officer posts for their own county only. */
  officer?: string;
  turns: Turn[];
}

const dir = path.join(import.meta.dirname, '..', 'dialogues');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
/** Every dialogue in this file is a known gap. */
const KNOWN_GAPS = 'known-gaps.yaml';
const load = (file: string) => parse(readFileSync(path.join(dir, file), 'utf8')) as Dialogue[];
const isKnownGap = (file: string, d: Dialogue) => file === KNOWN_GAPS || d.known_gap === true;
let officer: Principal;

let t: TestContext;
let phone = 13900000000;
beforeAll(async () => {
  t = await createTestApp({}, { seed: true, clock: () => DEMO_NOW });
  // A real account: an officer's words are admitted only into the records of farmers in their scope.
  const account = await person(t, { username: 'xxy_dialogue', role: 'officer', name: '测试信息员', counties: ['金乡县'], village: '王庄村' });
  officer = { role: 'officer', name: '测试信息员', userId: account.id, username: account.username, counties: ['金乡县'], village: '王庄村' };
  officers.set('金乡县', officer);
});

/** The officer of a county (a real account, made the first time a dialogue names the county). */
const officers = new Map<string, Principal>();
async function officerOf(county: string | undefined): Promise<Principal> {
  const known = officers.get(county ?? '金乡县');
  if (known || !county) return known ?? officer;
  const username = `xxy_dialogue_${officers.size}`;
  const account = await person(t, { username, role: 'officer', name: `${county}测试信息员`, counties: [county] });
  const made: Principal = { role: 'officer', name: `${county}测试信息员`, userId: account.id, username, counties: [county] };
  officers.set(county, made);
  return made;
}
afterAll(async () => {
  await t?.close();
});

it('has at least 80 dialogues that pass, and the known gaps besides', () => {
  const count = files.reduce((n, f) => n + load(f).filter((d) => !isKnownGap(f, d)).length, 0);
  expect(count).toBeGreaterThanOrEqual(80);
  expect(load(KNOWN_GAPS).length).toBeGreaterThan(0);
});

for (const file of files) {
  const dialogues = load(file);
  describe(file, () => {
    for (const d of dialogues) {
      // A known gap must still fail: when it passes, it.fails reports it, and the dialogue moves back.
      const test = isKnownGap(file, d) ? it.fails : it;
      test(d.name, async () => {
        const conversation = await findOrCreateConversation(t.db.pool, { channel: d.channel ?? 'api', phone: String(phone++) });
        const speaker = await officerOf(d.officer);
        for (const [i, turn] of d.turns.entries()) {
          const where = `turn ${i + 1} "${turn.say}"`;
          const outcome = await t.say({
            conversationId: conversation.id,
            text: turn.say,
            author: turn.as === 'officer' ? 'officer' : 'farmer',
            principal: turn.as === 'officer' ? speaker : undefined,
          });
          const reply = outcome.replies[0];
          expect(reply, `${where}: no reply`).toBeDefined();
          const summary = `${where} → [${reply.intent}${reply.escalated ? ', escalated' : ''}] ${reply.text}`;
          if (turn.intent) expect([turn.intent].flat(), summary).toContain(reply.intent);
          if (turn.escalated !== undefined) expect(reply.escalated, summary).toBe(turn.escalated);
          for (const fact of turn.contains ?? []) expect(reply.text, summary).toContain(fact);
          if (turn.containsAny) expect(turn.containsAny.some((f) => reply.text.includes(f)), summary).toBe(true);
          for (const fact of turn.notContains ?? []) expect(reply.text, summary).not.toContain(fact);
          if (turn.cites) expect(reply.citations[0]?.title ?? '', summary).toContain(turn.cites);
          if (turn.noCitation) expect(reply.citations, summary).toEqual([]);
        }
      });
    }
  });
}
