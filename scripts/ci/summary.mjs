#!/usr/bin/env node
// Adds up vitest's JSON reports (one per suite) into one closing line, `tests: N passed, N failed, N skipped`,
// and fails when a report is missing, a test failed, or nothing ran at all.
import { readFileSync } from 'node:fs';

let passed = 0, failed = 0, skipped = 0, missing = 0;
for (const file of process.argv.slice(2)) {
  let r;
  try {
    r = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    console.error(`${file}: no test report (the suite did not run to the end)`);
    missing++;
    continue;
  }
  console.error(`${file}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  passed += r.numPassedTests;
  // A file that fails to load has no failed test of its own: count it once; otherwise count the tests.
  failed += r.numFailedTests || (r.numFailedTestSuites ?? 0);
  skipped += r.numPendingTests + r.numTodoTests;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(missing || failed || passed === 0 ? 1 : 0);
