/**
 * Refit the confidence calibrator (src/knowledge/calibration.json) from labelled tune data only:
 *   npm run calibrate -- --pairs <agri-qa dev.jsonl>      (or AGRI_QA_DEV=<agri-qa dev.jsonl> npm run calibrate)
 * - the agri-qa dev pairs of the tune split: every answer ingested, every question asked (right when its own
 *   answer comes first); then every other answer removed and its question asked again (never right);
 * - the tune half of eval/heldout (in-kb and out-of-kb) on the shipped seeds, and the tuning sets
 *   (eval/tune-c, tune-d, tune-f, tune-g, read whole) the same way;
 * - the dialogue suite's first knowledge turns (tests/dialogues) on the shipped seeds.
 * The operating point is the lowest threshold whose answers reach precision 0.95 when each fold of the data
 * is predicted by a model fitted on the other folds (so it is not read off the data the weights were fitted
 * on). The dialogue suite's first turns that expect an answer and fall below it are listed for judging.
 * `leaveOneSetOut` in the output is the honest check of a feature: each tuning set judged by a model and an
 * operating point fitted without it (precision, in-KB answered right, out-of-KB escalated).
 * Deterministic: same data, same file.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/pool.ts';
import { migrate } from '../db/migrate.ts';
import { createKnowledge } from '../knowledge/index.ts';
import { seedKnowledgeBase } from '../knowledge/seed.ts';
import { CALIBRATION, FEATURES, type Calibration } from '../knowledge/confidence.ts';
import { fitLogistic, predict } from '../knowledge/logistic.ts';
import { devSetPath } from './dev-set.ts';
import { splitOf as heldoutHalfOf } from './heldout-split.ts';
import {
  dialogueSamples, heldoutSamples, ingestPairs, pairSplitOf, readPairs, removedAnswerSamples, sampleOf, type HeldoutItem, type Sample,
} from './calibration-data.ts';
import { answeredAt, calibrationReport, operatingPoint, thresholdFor } from './calibration-report.ts';

const TARGET_PRECISION = 0.95;
const L2 = 1;
const FOLDS = 5;
const OUT = path.join(import.meta.dirname, '..', 'knowledge', 'calibration.json');

const { values } = parseArgs({
  options: {
    pairs: { type: 'string' },
    heldout: { type: 'string', default: 'eval/heldout' },
    // tuning sets read whole (written to be tuned on), beside eval/heldout's tune half
    'tune-set': { type: 'string', multiple: true, default: ['eval/tune-c', 'eval/tune-d', 'eval/tune-f', 'eval/tune-g'] },
    dialogues: { type: 'string', default: 'tests/dialogues' },
  },
});

// The agri-qa dev set is not in the repository: its path comes from --pairs or AGRI_QA_DEV.
const pairsFile = devSetPath(values.pairs, '用法 / usage: npm run calibrate -- --pairs <file.jsonl>');

// Features added or removed since the last fit: the retriever still needs a model of today's features to
// return hits, so it gets a neutral one in memory (every probability 0.5) until this run writes the new fit.
// Fitting reads the features only, never the shipped probability.
if (CALIBRATION.model.features.join() !== FEATURES.join()) {
  const zeros = FEATURES.map(() => 0);
  CALIBRATION.model = { features: [...FEATURES], mean: zeros, scale: FEATURES.map(() => 1), weights: zeros, bias: 0 };
}

const config = loadConfig({ ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent' });

async function devSamples(): Promise<Sample[]> {
  const pairs = (await readPairs(pairsFile)).filter((p) => pairSplitOf(p.id) === 'tune');
  const db = await openDatabase({ dataDir: 'memory://' });
  try {
    await migrate(db);
    const kb = await createKnowledge(config, db);
    const ids = await ingestPairs(kb, pairs);
    const out: Sample[] = [];
    for (const p of pairs) {
      const [top] = await kb.retriever.search(p.question, { limit: 1 });
      out.push(sampleOf('dev', top, top?.documentId === ids.get(p.id), true, p.question));
    }
    return [...out, ...(await removedAnswerSamples(kb, pairs, ids))];
  } finally {
    await db.close();
  }
}

async function loadItems(dir: string, name: string): Promise<HeldoutItem[]> {
  const text = await readFile(path.join(dir, `${name}.jsonl`), 'utf8');
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as HeldoutItem);
}

/** eval/heldout's tune half only: its judge half is never fitted on. */
async function loadHeldout(name: string): Promise<HeldoutItem[]> {
  return (await loadItems(values.heldout!, name)).filter((i) => heldoutHalfOf(i.question) === 'tune');
}

async function seededSamples(): Promise<Sample[]> {
  const db = await openDatabase({ dataDir: 'memory://' });
  try {
    await migrate(db);
    const kb = await createKnowledge(config, db);
    await seedKnowledgeBase(db, kb, config.SEEDS_DIR);
    const tuneSets: Sample[] = [];
    for (const dir of values['tune-set']!.filter((d) => existsSync(d))) {
      const set = await heldoutSamples(kb, db, await loadItems(dir, 'in-kb'), await loadItems(dir, 'out-of-kb'));
      tuneSets.push(...set.map((s) => ({ ...s, set: s.set.replace('heldout', path.basename(dir)) })));
    }
    return [
      ...(await heldoutSamples(kb, db, await loadHeldout('in-kb'), await loadHeldout('out-of-kb'))),
      ...tuneSets,
      ...(await dialogueSamples(kb, values.dialogues!)),
    ];
  } finally {
    await db.close();
  }
}

const foldOf = (i: number) => createHash('sha256').update(String(i)).digest()[0] % FOLDS;

const samples = [...(await devSamples()), ...(await seededSamples())];
const usable = samples.filter((s) => s.features);
const features = [...FEATURES];
const fit = (rows: Sample[]) => fitLogistic(features, rows.map((s) => s.features!), rows.map((s) => (s.right ? 1 : 0)), L2);

/** Each sample predicted by a model fitted on the other folds of `rows` (a sample without features keeps p 0). */
function outOfFoldOf(rows: Sample[]): Sample[] {
  const out = rows.map((s) => ({ ...s, p: 0 }));
  const withFeatures = rows.flatMap((s, i) => (s.features ? [i] : []));
  for (let f = 0; f < FOLDS; f++) {
    const model = fit(withFeatures.filter((_, k) => foldOf(k) !== f).map((i) => rows[i]));
    withFeatures.forEach((i, k) => {
      if (foldOf(k) === f) out[i].p = predict(model, rows[i].features!);
    });
  }
  return out;
}

// Out-of-fold probabilities: each sample predicted by a model that never saw it.
const outOfFold = outOfFoldOf(samples);
const precisionThreshold = thresholdFor(outOfFold, TARGET_PRECISION);

/**
 * Leave one tuning set out: fit on every other sample, take the operating point from their out-of-fold
 * probabilities, and judge on the left-out set (its in-kb and out-of-kb questions), which nothing was fitted on.
 */
function leaveOneSetOut() {
  const setOf = (s: Sample) => s.set.replace(/-(in|out-of)-kb$/, '');
  const sets = [...new Set(samples.map(setOf))].filter((n) => n.startsWith('tune-'));
  return Object.fromEntries(sets.map((name) => {
    const train = samples.filter((s) => setOf(s) !== name);
    const t = thresholdFor(outOfFoldOf(train), TARGET_PRECISION);
    const model = fit(train.filter((s) => s.features));
    const judged = samples.filter((s) => setOf(s) === name).map((s) => ({ ...s, p: s.features ? predict(model, s.features) : 0 }));
    return [name, operatingPoint(judged, t)];
  }));
}
const model = fit(usable);
// The operating point is the precision threshold: a wrong answer is worse than a handover. The dialogue suite's
// first turns that expect an answer and fall below it are listed, so each can be judged (a feature missing, or
// a known gap with its reason in tests/dialogues/KNOWN-GAPS.md); the threshold is not lowered to pass them.
const threshold = precisionThreshold;
const suite = usable.filter((s) => s.set === 'dialogues').map((s) => ({ ...s, p: predict(model, s.features!) }));
const suiteBelow = suite.filter((s) => s.known && s.right && !answeredAt(s, threshold));
const suiteWronglyAnswered = suite.filter((s) => !s.known && answeredAt(s, threshold));
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const calibration: Calibration = {
  model: { features, mean: model.mean.map(r6), scale: model.scale.map(r6), weights: model.weights.map(r6), bias: r6(model.bias) },
  threshold,
  precisionThreshold,
  fittedOn: Object.fromEntries(
    [...new Set(samples.map((s) => s.set))].map((set) => [set, samples.filter((s) => s.set === set).length]),
  ),
};
if (process.env.CALIBRATE_DUMP) await writeFile(process.env.CALIBRATE_DUMP, JSON.stringify(outOfFold));
await writeFile(OUT, `${JSON.stringify(calibration, null, 2)}\n`);
console.log(JSON.stringify({
  written: path.relative(process.cwd(), OUT),
  fittedOn: calibration.fittedOn,
  positives: samples.filter((s) => s.right).length,
  weights: Object.fromEntries(features.map((f, j) => [f, calibration.model.weights[j]])),
  threshold,
  dialogueFirstTurns: {
    expectedAnsweredButBelow: suiteBelow.map((s) => `${s.p.toFixed(2)} ${s.question} → ${s.passage}`),
    expectedExpertButAnswered: suiteWronglyAnswered.map((s) => `${s.p.toFixed(2)} ${s.question} → ${s.passage}`),
  },
  leaveOneSetOut: leaveOneSetOut(),
  outOfFold: calibrationReport(outOfFold, threshold),
  bySet: Object.fromEntries([...new Set(samples.map((s) => s.set))].map((set) => [set, operatingPoint(outOfFold.filter((s) => s.set === set), threshold)])),
}, null, 2));
