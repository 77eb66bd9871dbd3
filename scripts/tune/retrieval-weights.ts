/**
 * Try blend weights of src/knowledge/scoring.ts on the dev set's TUNE split (never the held split):
 *   npx tsx scripts/tune/retrieval-weights.ts --pairs ../../shared/eval/agri-qa/dev.jsonl \
 *     --try 'bm25=0.3,bigramBm25=0.3' --try 'cosine=0.2'
 * Ingests once, then prints Recall@1 / Recall@5 / MRR for the shipped weights and for each --try (each
 * starting from the shipped weights). Pick by hand; `npm run eval -- --split held` then judges.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/pool.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createServices } from '../../src/compose.ts';
import { BM25, WEIGHTS } from '../../src/knowledge/scoring.ts';
import { pairSplitOf, readPairs } from '../../src/cli/calibration-data.ts';

const { values } = parseArgs({
  options: { pairs: { type: 'string' }, try: { type: 'string', multiple: true, default: [] }, split: { type: 'string', default: 'tune' }, show: { type: 'boolean', default: false } },
});
if (!values.pairs || values.split === 'held') {
  console.error('用法: --pairs <dev.jsonl> [--try k=v,k=v]…（只在 tune 切分上调）');
  process.exit(2);
}
const pairs = (await readPairs(values.pairs)).filter((p) => values.split === 'all' || pairSplitOf(p.id) === values.split);

const config = loadConfig({ ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent' });
const db = await openDatabase({ dataDir: 'memory://' });
try {
  await migrate(db);
  const { knowledge: kb } = await createServices(config, db);
  const ids = new Map<string, string>();
  for (const [i, p] of pairs.entries()) {
    const r = await kb.store.upsert({ sourceKey: `eval:${p.id}`, title: `资料 ${i + 1}`, category: 'faq', format: 'markdown', content: p.answer });
    ids.set(p.id, r.id);
  }
  const shipped = { ...WEIGHTS };
  const shippedBm25 = { ...BM25 };
  for (const trial of ['', ...values.try!]) {
    Object.assign(WEIGHTS, shipped);
    Object.assign(BM25, shippedBm25);
    for (const kv of trial.split(',').filter(Boolean)) {
      const [k, v] = kv.split('=');
      const target = k in WEIGHTS ? WEIGHTS : k in BM25 ? BM25 : undefined;
      if (!target) throw new Error(`unknown weight ${k}`);
      (target as Record<string, number>)[k] = Number(v);
    }
    let r1 = 0, r5 = 0, mrr = 0;
    for (const p of pairs) {
      const hits = await kb.retriever.search(p.question, { limit: 10 });
      const rank = hits.findIndex((h) => h.documentId === ids.get(p.id)) + 1;
      if (rank === 1) r1++;
      if (rank >= 1 && rank <= 5) r5++;
      if (rank >= 1) mrr += 1 / rank;
      if (values.show && rank !== 1) {
        const right = hits.find((h) => h.documentId === ids.get(p.id));
        console.log(`✗ rank=${rank || '-'} Q: ${p.question}\n   top(${hits[0]?.score}): ${hits[0]?.content.slice(0, 80)}\n   right(${right?.score ?? '-'}): ${p.answer.slice(0, 80)}`);
      }
    }
    const n = pairs.length;
    console.log(`${(r1 / n).toFixed(3)} ${(r5 / n).toFixed(3)} ${(mrr / n).toFixed(3)}  ${trial || '(shipped)'}`);
  }
} finally {
  await db.close();
}
