/**
 * Accounts command line (experts, officers, administrators): npm run accounts -- help
 * Uses the same configuration (.env, DATABASE_URL or DATA_DIR) as the server; stop an embedded-database
 * server first (PGlite is one process).
 */
import dotenv from 'dotenv';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/pool.ts';
import { migrate } from '../db/migrate.ts';
import { ACCOUNTS_USAGE, runAccountsCommand, UsageError } from './accounts-commands.ts';

dotenv.config({ quiet: true });

const argv = process.argv.slice(2);
if (!argv.length || argv[0] === 'help' || argv[0] === '--help') {
  console.log(ACCOUNTS_USAGE);
  process.exit(argv.length ? 0 : 2);
}
const config = loadConfig();
const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
try {
  await migrate(db);
  for (const line of await runAccountsCommand(db.pool, argv)) console.log(line);
} catch (err) {
  if (err instanceof UsageError) {
    console.error(err.message);
    process.exitCode = 2;
  } else {
    console.error('出错了：', err);
    process.exitCode = 1;
  }
} finally {
  await db.close();
}
