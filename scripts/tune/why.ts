/**
 * Why a question ranks what it ranks on the shipped seeds: the top passages with their signals.
 *   [WHY_SET=k=v,…] [WHY_LIMIT=n] npx tsx scripts/tune/why.ts '麦子倒伏了要不要扶起来' ['另一个问题' …]
 */
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/pool.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createServices } from '../../src/compose.ts';
import { seedKnowledgeBase } from '../../src/knowledge/seed.ts';
import { BM25, WEIGHTS } from '../../src/knowledge/scoring.ts';

// WHY_SET='k=v,…' overrides blend weights or BM25 parameters for this run
for (const kv of (process.env.WHY_SET ?? '').split(',').filter(Boolean)) {
  const [k, v] = kv.split('=');
  const target = k in WEIGHTS ? WEIGHTS : k in BM25 ? BM25 : undefined;
  if (!target) throw new Error(`unknown weight ${k}`);
  (target as Record<string, number>)[k] = Number(v);
}

const config = loadConfig({ ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent' });
const db = await openDatabase({ dataDir: 'memory://' });
try {
  await migrate(db);
  const { knowledge: kb } = await createServices(config, db);
  await seedKnowledgeBase(db, kb, 'seeds');
  for (const q of process.argv.slice(2)) {
    console.log(`\n## ${q}`);
    for (const h of await kb.retriever.search(q, { limit: Number(process.env.WHY_LIMIT ?? 5), perDocument: false })) {
      console.log(`${h.checks.score.toFixed(3)} #${h.chunkId} p=${h.confidence.toFixed(2)} ${h.failed ?? ''} 《${h.title}》${h.headingPath.join(' / ')}\n   ${JSON.stringify(h.signals)}`);
    }
  }
} finally {
  await db.close();
}
