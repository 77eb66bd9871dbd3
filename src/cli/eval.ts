/**
 * Evaluation on a JSONL file of {id?, question, answer} pairs, in a throw-away in-memory database:
 *   npm run eval -- --pairs <file.jsonl>            retrieval: Recall@1, Recall@5, MRR, ms per query, the share of
 *                                                   questions whose answer is among the candidates re-ranked
 *                                                   (Recall@1's ceiling), beside plain BM25; then the calibrated confidence: precision/coverage
 *                                                   curve, reliability table with ECE, and the operating point
 *                                                   (every other answer removed and its question asked again
 *                                                   gives the out-of-KB questions)
 *   npm run eval -- --pairs <file.jsonl> --agent    escalation: half the answers ingested, every question
 *                                                   through the agent; answered-right vs escalated, and a
 *                                                   threshold sweep to calibrate ANSWER_THRESHOLD
 * Answers are ingested with neutral titles: the question must never be in the document meant to find it.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/pool.ts';
import { migrate } from '../db/migrate.ts';
import type { Knowledge } from '../knowledge/index.ts';
import { read, type Agent } from '../bot/index.ts';
import { createServices } from '../compose.ts';
import type { Conversation } from '../conversations/types.ts';
import { pairSplitOf, removedAnswerSamples, sampleOf, type Sample } from './calibration-data.ts';
import { calibrationReport } from './calibration-report.ts';
import { devSetPath } from './dev-set.ts';

interface Pair {
  id: string;
  question: string;
  answer: string;
}

const { values } = parseArgs({
  options: {
    pairs: { type: 'string' },
    limit: { type: 'string' },
    agent: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    split: { type: 'string', default: 'all' },
  },
});
if (!['tune', 'held', 'all'].includes(values.split!)) {
  console.error('--split 只能是 tune、held 或 all');
  process.exit(2);
}

const pairsFile = devSetPath(values.pairs, '用法 / usage: npm run eval -- --pairs <file.jsonl> [--agent] [--limit N] [--verbose]');

const pairs: Pair[] = (await readFile(pairsFile, 'utf8'))
  .split('\n')
  .filter((l) => l.trim())
  .map((l, i) => {
    const o = JSON.parse(l) as Partial<Pair>;
    if (!o.question || !o.answer) throw new Error(`${pairsFile} line ${i + 1}: needs question and answer`);
    return { id: o.id ?? String(i + 1), question: o.question, answer: o.answer };
  })
  .filter((p) => values.split === 'all' || pairSplitOf(p.id) === values.split)
  .slice(0, values.limit ? Number(values.limit) : undefined);

const config = loadConfig({ ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent' });
const db = await openDatabase({ dataDir: 'memory://' });

async function ingest(kb: Knowledge, subset: Pair[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const [i, p] of subset.entries()) {
    const r = await kb.store.upsert({ sourceKey: `eval:${p.id}`, title: `资料 ${i + 1}`, category: 'faq', format: 'markdown', content: p.answer });
    ids.set(p.id, r.id);
  }
  return ids;
}

function percentiles(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => +sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
  return { mean: +(sorted.reduce((a, b) => a + b, 0) / sorted.length).toFixed(1), p50: at(0.5), p95: at(0.95) };
}

async function retrievalEval(kb: Knowledge) {
  const t0 = performance.now();
  const docIds = await ingest(kb, pairs);
  const ingestMs = performance.now() - t0;
  let r1 = 0, r5 = 0, mrr = 0, amongCandidates = 0;
  const times: number[] = [];
  const samples: Sample[] = [];
  for (const p of pairs) {
    const t = performance.now();
    const hits = await kb.retriever.search(p.question, { limit: 10 });
    times.push(performance.now() - t);
    const rank = hits.findIndex((h) => h.documentId === docIds.get(p.id)) + 1;
    samples.push(sampleOf('dev', hits[0], rank === 1, true, p.question));
    if (rank === 1) r1++;
    if (rank >= 1 && rank <= 5) r5++;
    if (rank >= 1) mrr += 1 / rank;
    // what re-ranking could reach: the answer is one of the scored candidates (vector and keyword)
    if ((await kb.retriever.scoredCandidates(p.question, { limit: 10 })).some((c) => c.documentId === docIds.get(p.id))) amongCandidates++;
    if (values.verbose && rank !== 1) console.log(`✗ ${p.id} rank=${rank || '-'} ${p.question.slice(0, 40)}`);
  }
  const n = pairs.length;
  const bm25 = bm25Baseline(kb);
  samples.push(...(await removedAnswerSamples(kb, pairs, docIds)));
  return {
    mode: 'retrieval', split: values.split, pairs: n, embedder: kb.embedder.id,
    recallAt1: +(r1 / n).toFixed(3), recallAt5: +(r5 / n).toFixed(3), mrr: +(mrr / n).toFixed(3),
    answerAmongCandidates: +(amongCandidates / n).toFixed(3),
    bm25, recallAt1OverBm25: +(r1 / n - bm25.recallAt1).toFixed(3),
    msPerQuery: percentiles(times), ingestSeconds: +(ingestMs / 1000).toFixed(1), engine: db.engine,
    confidence: calibrationReport(samples, config.ANSWER_THRESHOLD),
  };
}

/**
 * Plain Okapi BM25 (k1 1.2, b 0.75) over the same jieba tokens, every answer a document: the baseline our
 * retrieval must beat.
 */
function bm25Baseline(kb: Knowledge) {
  const K1 = 1.2, B = 0.75;
  const docs = pairs.map((p) => {
    const tf = new Map<string, number>();
    const tokens = kb.tokenizer.tokens(p.answer);
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    return { id: p.id, tf, length: tokens.length };
  });
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const N = docs.length;
  const avg = docs.reduce((n, d) => n + d.length, 0) / Math.max(N, 1);
  let r1 = 0, r5 = 0, mrr = 0;
  for (const p of pairs) {
    const q = [...new Set(kb.tokenizer.tokens(p.question))];
    const scored = docs.map((d) => {
      let s = 0;
      for (const t of q) {
        const f = d.tf.get(t);
        if (!f) continue;
        const n = df.get(t)!;
        s += Math.log(1 + (N - n + 0.5) / (n + 0.5)) * ((f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.length) / avg)));
      }
      return { id: d.id, s };
    }).sort((a, b) => b.s - a.s);
    const rank = scored.findIndex((d) => d.id === p.id) + 1;
    if (rank === 1) r1++;
    if (rank >= 1 && rank <= 5) r5++;
    if (rank >= 1) mrr += 1 / rank;
  }
  return { recallAt1: +(r1 / N).toFixed(3), recallAt5: +(r5 / N).toFixed(3), mrr: +(mrr / N).toFixed(3) };
}

async function agentEval(kb: Knowledge, agent: Agent) {
  // Split by position parity: even pairs are ingested, odd ones are not.
  const known = pairs.filter((_, i) => i % 2 === 0);
  const unknown = pairs.filter((_, i) => i % 2 === 1);
  const docIds = await ingest(kb, known);
  const conversation: Conversation = { id: 'eval', channel: 'api', farmerPhone: '13800000000', webId: null, county: null, context: {}, mode: 'bot', optedOut: false };
  const times: number[] = [];
  let answeredRight = 0, escalatedKnown = 0, escalatedUnknown = 0;
  const scores: { known: boolean; right: boolean; score: number }[] = [];
  for (const p of [...known, ...unknown]) {
    const isKnown = docIds.has(p.id);
    const t = performance.now();
    const d = await agent.decide(read(p.question), conversation);
    times.push(performance.now() - t);
    const r = d.results[0];
    const escalated = Boolean(r.escalate) || r.intent === 'unknown';
    const right = r.citations?.[0]?.documentId === docIds.get(p.id);
    if (isKnown && !escalated && right) answeredRight++;
    if (isKnown && escalated) escalatedKnown++;
    if (!isKnown && escalated) escalatedUnknown++;
    const [top] = await kb.retriever.search(p.question, { limit: 1 });
    scores.push({ known: isKnown, right: top?.documentId === docIds.get(p.id), score: top?.score ?? 0 });
    if (values.verbose && (isKnown ? !right || escalated : !escalated)) {
      console.log(`${isKnown ? 'known  ' : 'unknown'} ${escalated ? 'ESC' : 'ANS'} ${r.confidence.toFixed(3)} ${p.question.slice(0, 36)}`);
    }
  }
  const sweep = [];
  for (let t = 0.3; t <= 0.701; t += 0.025) {
    const ans = scores.filter((s) => s.known && s.right && s.score >= t).length / known.length;
    const esc = scores.filter((s) => !s.known && s.score < t).length / unknown.length;
    sweep.push({ threshold: +t.toFixed(3), answeredRight: +ans.toFixed(3), escalatedUnknown: +esc.toFixed(3) });
  }
  return {
    mode: 'agent', threshold: config.ANSWER_THRESHOLD, ingested: known.length, notIngested: unknown.length,
    answeredWithRightCitation: +(answeredRight / known.length).toFixed(3),
    escalatedAlthoughIngested: +(escalatedKnown / known.length).toFixed(3),
    escalatedNotIngested: +(escalatedUnknown / unknown.length).toFixed(3),
    msPerQuestion: percentiles(times), sweep,
  };
}

try {
  await migrate(db);
  // The application as main.ts wires it: the agent decides with the same knowledge base the eval ingests into.
  const { knowledge: kb, agent } = await createServices(config, db);
  console.log(JSON.stringify(values.agent ? await agentEval(kb, agent) : await retrievalEval(kb), null, 2));
} finally {
  await db.close();
}
