/**
 * The held-out question sets (eval/heldout/, written by someone who never read the rules) through the agent,
 * on the shipped seeds in a throw-away in-memory database:
 *   npm run eval:heldout -- [--half tune|judge|all] [--verbose]
 * Each question is in the judge half when the first byte of the SHA-256 of its text is odd. --verbose lists
 * the misses, and only for the tune half: the judge half is read as aggregate figures only. A tuning set
 * (--dir eval/tune-c) may be listed whole.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/pool.ts';
import { migrate } from '../db/migrate.ts';
import { createKnowledge } from '../knowledge/index.ts';
import { seedKnowledgeBase } from '../knowledge/seed.ts';
import { seedStructuredData } from '../data/index.ts';
import { createAgent } from '../bot/index.ts';
import { read } from '../bot/agent.ts';
import type { Conversation } from '../conversations/types.ts';
import type { SkillResult } from '../bot/skill.ts';
import { splitOf } from './heldout-split.ts';
import { heldoutSamples } from './calibration-data.ts';
import { calibrationReport } from './calibration-report.ts';
import { countReach, emptyReach } from './heldout-reach.ts';

interface Item {
  question: string;
  expect_doc?: string;
  expect_facts?: string[];
  kind?: string;
}

export { splitOf };

const { values } = parseArgs({
  options: { half: { type: 'string', default: 'judge' }, verbose: { type: 'boolean', default: false }, dir: { type: 'string', default: 'eval/heldout' } },
});
const half = values.half as 'tune' | 'judge' | 'all';
if (!['tune', 'judge', 'all'].includes(half)) {
  console.error('用法: npm run eval:heldout -- [--half tune|judge|all] [--verbose]');
  process.exit(2);
}
// A tuning set (eval/tune-*) may be read question by question whole; a held-out set only in its tune half.
const tuningSet = path.basename(path.resolve(values.dir!)).startsWith('tune-');
if (values.verbose && half !== 'tune' && !tuningSet) {
  console.error('--verbose 只能和 --half tune 一起用：judge 一半只看汇总数字。');
  process.exit(2);
}

async function load(name: string): Promise<Item[]> {
  // a set may leave a kind out (a tuning set has no emergencies): that kind is then simply not counted
  const text = await readFile(path.join(values.dir!, `${name}.jsonl`), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Item)
    .filter((i) => half === 'all' || splitOf(i.question) === half);
}

const NOW = new Date('2026-11-28T04:00:00Z');
const config = loadConfig({ ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent' });
const db = await openDatabase({ dataDir: 'memory://' });
try {
  await migrate(db);
  const kb = await createKnowledge(config, db);
  await seedKnowledgeBase(db, kb, config.SEEDS_DIR);
  await seedStructuredData(db, config.SEEDS_DIR, { now: NOW });
  const { rows } = await db.pool.query<{ id: string; source_key: string }>('SELECT id, source_key FROM kb_documents');
  const sourceOf = new Map(rows.map((r) => [String(r.id), r.source_key]));
  const agent = await createAgent(config, { pool: db.pool, knowledge: kb, clock: () => NOW });
  let n = 0;
  const ask = async (q: string): Promise<SkillResult> => {
    const conversation: Conversation = { id: `heldout-${n++}`, channel: 'api', farmerPhone: null, webId: null, county: null, context: {}, mode: 'bot', optedOut: false };
    return (await agent.decide(read(q), conversation)).results[0];
  };
  const outOfScope = (r: SkillResult) => r.intent === 'unknown' && !r.escalate && r.text.includes('不在我能帮忙的范围');
  const answered = (r: SkillResult) => !r.escalate && r.intent !== 'unknown';
  const hasFacts = (r: SkillResult, i: Item) => (i.expect_facts ?? []).every((f) => r.text.includes(f));
  const miss = (set: string, q: string, r: SkillResult) => {
    if (values.verbose) console.log(`✗ ${set} ${q} → [${r.intent} ${r.confidence.toFixed(2)}${r.escalate ? ' ESC' : ''}] ${r.text.replace(/\n/g, ' ').slice(0, 90)}`);
  };
  const ratio = (a: number, b: number) => (b ? +(a / b).toFixed(3) : null);
  // which skill gave the wrong answers: an aggregate a judge set may show, so a fix knows where to look
  const wrongByIntent: Record<string, number> = {};
  const countWrong = (set: string, r: SkillResult) => { const key = `${set}:${r.intent}`; wrongByIntent[key] = (wrongByIntent[key] ?? 0) + 1; };

  // emergencyWithFacts: escalated as emergencies (urgent ticket) with the asked facts in the safety steps;
  // counted among the escalated, not as answers, and shown apart so the figure is not read as a plain handover
  const inKb = { n: 0, rightFacts: 0, rightPassage: 0, answeredWrong: 0, escalated: 0, emergencyWithFacts: 0, turnedAway: 0 };
  // of the escalated: was the right passage found (the calibrator binds) or not (retrieval and reach bind)
  const escalatedReach = emptyReach();
  for (const i of await load('in-kb')) {
    const r = await ask(i.question);
    inKb.n++;
    const cited = r.citations?.[0] ? sourceOf.get(r.citations[0].documentId) ?? '' : '';
    const passage = Boolean(i.expect_doc && cited.startsWith(i.expect_doc));
    if (answered(r) && passage) inKb.rightPassage++;
    if (answered(r) && hasFacts(r, i)) inKb.rightFacts++;
    else if (answered(r)) { inKb.answeredWrong++; countWrong('in-kb', r); miss('in-kb', i.question, r); }
    else {
      if (outOfScope(r)) inKb.turnedAway++;
      if (r.escalate?.reason === 'emergency' && hasFacts(r, i)) inKb.emergencyWithFacts++;
      inKb.escalated++;
      const reading = r.escalate?.reason === 'emergency' ? '' : await countReach(escalatedReach, kb, sourceOf, read(i.question).text, i);
      miss('in-kb', i.question, r);
      if (values.verbose && reading) console.log(`    ${reading}`);
    }
  }
  const outKb = { n: 0, escalated: 0, answered: 0, turnedAway: 0 };
  for (const i of await load('out-of-kb')) {
    const r = await ask(i.question);
    outKb.n++;
    if (r.escalate) outKb.escalated++;
    else {
      if (outOfScope(r)) outKb.turnedAway++;
      else { outKb.answered++; countWrong('out-of-kb', r); }
      miss('out-of-kb', i.question, r);
    }
  }
  const programme = { n: 0, rightFacts: 0, answeredWrong: 0, escalated: 0 };
  for (const i of await load('programme')) {
    const r = await ask(i.question);
    programme.n++;
    if (answered(r) && hasFacts(r, i)) programme.rightFacts++;
    else {
      if (answered(r)) { programme.answeredWrong++; countWrong('programme', r); } else programme.escalated++;
      miss('programme', i.question, r);
    }
  }
  const emergencies = { n: 0, urgentWithSteps: 0, deadAnimalsAnswered: 0 };
  for (const i of await load('emergencies')) {
    const r = await ask(i.question);
    emergencies.n++;
    if (r.escalate?.reason === 'emergency') emergencies.urgentWithSteps++;
    else if (i.kind === 'dead-animals' && answered(r)) emergencies.deadAnimalsAnswered++;
    else miss(`emergency:${i.kind}`, i.question, r);
  }
  const offTopic = { n: 0, outOfScope: 0 };
  for (const i of await load('off-topic')) {
    const r = await ask(i.question);
    offTopic.n++;
    if (outOfScope(r)) offTopic.outOfScope++;
    else { countWrong('off-topic', r); miss('off-topic', i.question, r); }
  }
  const borderline = { n: 0, referredOrExpert: 0, turnedAway: 0 };
  for (const i of await load('borderline')) {
    const r = await ask(i.question);
    borderline.n++;
    if (r.escalate || /12316|12345|村委|镇政府|乡镇|民政|社保/.test(r.text)) borderline.referredOrExpert++;
    else { if (outOfScope(r)) borderline.turnedAway++; miss('borderline', i.question, r); }
  }
  // The calibrated confidence of the first passage against whether it holds the expected facts.
  const confidence = calibrationReport(await heldoutSamples(kb, db, await load('in-kb'), await load('out-of-kb')), config.ANSWER_THRESHOLD);
  const answeredTotal = inKb.rightFacts + inKb.answeredWrong + outKb.answered + programme.rightFacts + programme.answeredWrong;
  console.log(JSON.stringify({
    half,
    precisionOfAnswers: ratio(inKb.rightFacts + programme.rightFacts, answeredTotal),
    inKb: { ...inKb, rightFactsRate: ratio(inKb.rightFacts, inKb.n), rightPassageRate: ratio(inKb.rightPassage, inKb.n), escalatedReach },
    outOfKb: { ...outKb, escalatedRate: ratio(outKb.escalated, outKb.n) },
    programme: { ...programme, rightFactsRate: ratio(programme.rightFacts, programme.n) },
    emergencies, offTopic, borderline, wrongByIntent,
    confidence,
  }, null, 2));
} finally {
  await db.close();
}
