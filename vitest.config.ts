import { defineConfig } from 'vitest/config';

/**
 * One config, three suites, chosen by file name (YINONG_TEST_SUITE is set by the npm scripts):
 *
 *   *.test.ts       unit tests                                   npm test
 *   *.int.test.ts   integration tests on a database: PGlite      npm test
 *                   in-process, or the PostgreSQL server          npm run test:server
 *   *.pg.test.ts    tests that need a PostgreSQL server itself    npm run test:server
 *                   (several server processes on one database)
 *   *.e2e.test.ts   pages in headless Chromium                    npm run test:browser
 *
 * `npm test` therefore needs Node alone; a file that needs more goes under one of the other names.
 */
const suite = process.env.YINONG_TEST_SUITE ?? 'unit';
const include = {
  unit: ['tests/**/*.test.ts'],
  server: ['tests/**/*.int.test.ts', 'tests/**/*.pg.test.ts'],
  browser: ['tests/**/*.e2e.test.ts'],
}[suite];
if (!include) throw new Error(`YINONG_TEST_SUITE must be unit, server or browser (got "${suite}")`);

export default defineConfig({
  test: {
    include,
    exclude: suite === 'unit' ? ['**/node_modules/**', 'tests/**/*.pg.test.ts', 'tests/**/*.e2e.test.ts'] : ['**/node_modules/**'],
    // The unit and browser suites run on PGlite whatever the shell has set; the server suite is given its URL.
    env: suite === 'server' ? {} : { TEST_DATABASE_URL: '' },
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Each integration file opens its own PGlite (WASM, ~150 MB): keep two at a time on a 2-core machine.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
