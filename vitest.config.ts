import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each integration file opens its own PGlite (WASM, ~150 MB): keep two at a time on a 2-core machine.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
