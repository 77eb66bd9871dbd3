#!/usr/bin/env node
/**
 * Compile src/ to dist/ for production: every .ts file to one .js file beside it (same tree, relative imports
 * rewritten from .ts to .js, packages left as imports), and every other file under src/ (SQL migrations,
 * the web-chat page and the consoles' pages) copied as is, so code that finds its assets through import.meta.url
 * finds them in dist/ as it does in src/.
 *
 *   node scripts/build.mjs             build
 *   node scripts/build.mjs --if-stale  build only when dist/ is missing or older than a file under src/
 *
 * Why esbuild and not `tsc --rewriteRelativeImportExtensions`: tsc takes 20-30 s to emit this tree on the
 * 2-core machine even with --noCheck, which would push a fresh `npm start` past its 30 s budget; esbuild
 * transpiles it in well under a second. It transpiles file by file, exactly as tsx does in development,
 * so what runs in dist/ is what the tests ran. Type checking stays with `npm run typecheck` (tsc --noEmit).
 */
import { cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.built');

async function walk(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** True when dist/ has a stamp newer than every file and folder under src/ (a deleted file changes its folder). */
async function fresh(files) {
  const built = await stat(stamp).then((s) => s.mtimeMs, () => 0);
  if (!built) return false;
  const dirs = new Set(files.map((f) => path.dirname(f)));
  for (const p of [...files, ...dirs, path.join(root, 'package-lock.json')]) {
    const m = await stat(p).then((s) => s.mtimeMs, () => 0);
    if (m > built) return false;
  }
  return true;
}

/** Every import stays an import: relative .ts ones now name the .js file the build writes beside it. */
const keepImports = {
  name: 'keep-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (args.path.startsWith('.')) return { path: args.path.replace(/\.ts$/, '.js'), external: true };
      return { path: args.path, external: true };
    });
  },
};

const files = await walk(src);
if (process.argv.includes('--if-stale') && (await fresh(files))) process.exit(0);

const t0 = performance.now();
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
const entryPoints = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
await build({
  entryPoints,
  outbase: src,
  outdir: dist,
  bundle: true, // with every import external: one output per file, imports rewritten by the plugin
  plugins: [keepImports],
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
const assets = files.filter((f) => !f.endsWith('.ts'));
for (const f of assets) await cp(f, path.join(dist, path.relative(src, f)));
await writeFile(stamp, `${new Date().toISOString()}\n`);
console.error(`build: ${entryPoints.length} modules and ${assets.length} assets → dist/ in ${Math.round(performance.now() - t0)} ms`);
