/**
 * Refit the retrieval score's weights (src/knowledge/ranker.json) on the agri-qa dev set's tune split only:
 *   npm run ranker:fit -- --pairs <agri-qa dev.jsonl>      (or AGRI_QA_DEV=<agri-qa dev.jsonl> npm run ranker:fit)
 * Every tune answer is ingested (neutral titles, as `npm run eval` does), every tune question asked, and each
 * candidate chunk's features kept. Listwise learning to rank (src/knowledge/ranker-fit.ts) refits the weights
 * the dev set exercises (word and bigram coverage and BM25, cosine, answer kind, subject missing); those it
 * cannot (headings, a Q&A pair's own question: dev answers have neither) keep theirs. Of the fits tried and
 * today's weights, the one with the best tune Recall@1 (then MRR) is written, so a refit never makes the tune
 * split worse. The held split is never read. Deterministic. A change of weights changes the confidence
 * features: run `npm run calibrate` after one.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/pool.ts';
import { migrate } from '../db/migrate.ts';
import { createKnowledge } from '../knowledge/index.ts';
import { RANKER, type Ranker } from '../knowledge/scoring.ts';
import { fitRankWeights, rankQuality } from '../knowledge/ranker-fit.ts';
import { devSetPath } from './dev-set.ts';
import { pairSplitOf, readPairs } from './calibration-data.ts';
import { rankingExamples } from './ranker-data.ts';

const OUT = path.join(import.meta.dirname, '..', 'knowledge', 'ranker.json');
/** softmax sharpness × L2 pull towards today's weights */
const GRID = [5, 10, 20].flatMap((sharpness) => [0.01, 0.1].map((l2) => ({ sharpness, l2 })));

const { values } = parseArgs({ options: { pairs: { type: 'string' } } });
const pairsFile = devSetPath(values.pairs, '用法 / usage: npm run ranker:fit -- --pairs <file.jsonl>');
const pairs = (await readPairs(pairsFile)).filter((p) => pairSplitOf(p.id) === 'tune');

const config = loadConfig({ ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent' });
const db = await openDatabase({ dataDir: 'memory://' });
try {
  await migrate(db);
  const kb = await createKnowledge(config, db);
  const examples = await rankingExamples(kb, pairs);
  const start = { ...RANKER.weights };
  const tried = [{ name: 'today', weights: start }, ...GRID.map((g) => ({
    name: `sharpness ${g.sharpness}, l2 ${g.l2}`,
    weights: fitRankWeights(examples, start, { fitted: RANKER.fitted, ...g }),
  }))].map((t) => ({ ...t, quality: rankQuality(examples, t.weights) }));
  const best = tried.reduce((a, b) => (b.quality.recallAt1 > a.quality.recallAt1 || (b.quality.recallAt1 === a.quality.recallAt1 && b.quality.mrr > a.quality.mrr + 1e-9) ? b : a));
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const ranker: Ranker = {
    weights: best.weights,
    fitted: RANKER.fitted,
    fittedOn: { 'dev-tune': pairs.length },
    tune: { recallAt1: r3(best.quality.recallAt1), mrr: r3(best.quality.mrr) },
  };
  await writeFile(OUT, `${JSON.stringify(ranker, null, 2)}\n`);
  console.log(JSON.stringify({
    written: path.relative(process.cwd(), OUT),
    chosen: best.name,
    answerAmongCandidates: r3(examples.filter((e) => e.right.some(Boolean)).length / Math.max(examples.length, 1)),
    tried: tried.map((t) => ({ name: t.name, recallAt1: r3(t.quality.recallAt1), mrr: r3(t.quality.mrr) })),
    weights: best.weights,
    changed: JSON.stringify(best.weights) !== JSON.stringify(start) ? 'weights changed: run `npm run calibrate`' : 'no change',
  }, null, 2));
} finally {
  await db.close();
}
