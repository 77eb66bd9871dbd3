/**
 * Knowledge-base command line:
 *   npm run kb -- ingest <path…> [--category <c>]   add or update documents (.md .json .jsonl .csv)
 *   npm run kb -- search "<query>" [--limit N] [--category c] [--county 金乡县]
 *   npm run kb -- stats
 *   npm run kb -- reembed                          recompute every vector with the configured embedder
 * Uses the same configuration (.env, DATABASE_URL or DATA_DIR) as the server.
 */
import dotenv from 'dotenv';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/pool.ts';
import { migrate } from '../db/migrate.ts';
import { createEmbedder } from '../knowledge/embeddings/index.ts';
import { reembedAll, storedEmbedder } from '../knowledge/embedding-column.ts';
import { createKnowledge, loadTokenizer } from '../knowledge/index.ts';
import { ingestPaths } from '../knowledge/ingest.ts';
import { isCategory, CATEGORIES } from '../knowledge/categories.ts';

dotenv.config({ quiet: true });

const USAGE = `用法:
  npm run kb -- ingest <文件或目录…> [--category <分类>]
  npm run kb -- search "<问题>" [--limit 5] [--category <分类>] [--county <县>]
  npm run kb -- stats
  npm run kb -- reembed
分类: ${CATEGORIES.join(', ')}`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    category: { type: 'string' },
    county: { type: 'string' },
    limit: { type: 'string', default: '5' },
  },
});
const [command, ...rest] = positionals;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

if (!command || !['ingest', 'search', 'stats', 'reembed'].includes(command)) fail(USAGE);
if (values.category && !isCategory(values.category)) fail(`分类 "${values.category}" 无效。\n${USAGE}`);
const category = values.category && isCategory(values.category) ? values.category : undefined;

const config = loadConfig();
const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
try {
  await migrate(db);
  if (command === 'reembed') {
    const embedder = createEmbedder(config, await loadTokenizer(config.SEEDS_DIR));
    const before = await storedEmbedder(db);
    const n = await reembedAll(db, embedder, (done, total) => process.stderr.write(`\r${done}/${total}`));
    process.stderr.write('\n');
    console.log(`已重新计算 ${n} 个段落的向量：${before?.id ?? '(无)'} → ${embedder.id}`);
  } else {
    const kb = await createKnowledge(config, db);
    if (command === 'ingest') {
      if (!rest.length) fail(USAGE);
      const report = await ingestPaths(kb.store, rest, { category });
      console.log(JSON.stringify(report, null, 2));
      if (report.errors.length) process.exitCode = 1;
    } else if (command === 'search') {
      if (!rest[0]) fail(USAGE);
      const limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 50) fail('--limit 应为 1 到 50 的整数');
      const hits = await kb.retriever.search(rest.join(' '), {
        limit,
        categories: category ? [category] : undefined,
        county: values.county,
      });
      if (!hits.length) console.log('没有找到相关内容');
      for (const [i, h] of hits.entries()) {
        console.log(`${i + 1}. [${h.score.toFixed(3)}] ${h.title}${h.headingPath.length ? ' › ' + h.headingPath.join(' › ') : ''}`);
        console.log(`   ${h.snippet}`);
      }
    } else {
      console.log(JSON.stringify(await kb.store.stats(), null, 2));
    }
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await db.close();
}
