// Bundle Mermaid's flowchart parser (mermaid-flowchart.mjs with the `mermaid` package's
// jison grammar and FlowDB) into ONE self-contained ES module for node, shipped in the
// wheel like the labextension: the importer runs it offline, with no node_modules.
// Rendering is left out: Mermaid's lazy imports (layouts, KaTeX) are cut, DOMPurify
// (it needs a DOM and only matters when rendering) is an identity stub; the Python side
// treats every label as hostile text.  Uses rspack, which @jupyter/builder already brings.
import { rspack } from '@rspack/core';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const require = createRequire(import.meta.url);
const chunks = join(dirname(require.resolve('mermaid/package.json')), 'dist/chunks/mermaid.core');
const flowDiagram = readdirSync(chunks).find((f) => /^flowDiagram-.*\.mjs$/.test(f));
if (!flowDiagram) {
  console.error(`build-mermaid: no flowDiagram-*.mjs in ${chunks} (mermaid's layout changed?)`);
  process.exit(1);
}

const outDir = resolve(root, '../kernels_helpers/isshoni/importers/mermaid/static');

// Every npm package inside the bundle, with its licence text, beside the bundle (MIT,
// ISC and the like ask for their notices to travel with copies).
function writeLicences(stats) {
  const packages = new Map();
  for (const m of stats.toJson({ all: false, modules: true, nestedModules: true, orphanModules: true }).modules ?? []) {
    for (const mod of [m, ...(m.modules ?? [])]) {
      const match = /^(.*[\\/]node_modules[\\/](@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(mod.nameForCondition ?? '');
      if (match) packages.set(match[1], true);
    }
  }
  const parts = [];
  for (const dir of [...packages.keys()].sort()) {
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = file && existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').trim() : '(no licence file)';
    parts.push(`${meta.name} ${meta.version} (${meta.license ?? 'see text'})\n\n${text}\n`);
  }
  writeFileSync(join(outDir, 'THIRD-PARTY-LICENSES.txt'),
    'The npm packages bundled in mermaid-flowchart.mjs and their licences.\n\n' + parts.join('\n' + '-'.repeat(72) + '\n\n'));
  return packages.size;
}

const compiler = rspack({
  mode: process.argv.includes('--dev') ? 'development' : 'production',
  devtool: false,
  target: 'node20',
  context: root,
  entry: { 'mermaid-flowchart': './scripts/mermaid-flowchart.mjs' },
  experiments: { outputModule: true },
  output: {
    path: outDir,
    filename: '[name].mjs',
    module: true,
    chunkFormat: 'module',
    clean: false
  },
  resolve: {
    alias: {
      'mermaid-flow-diagram$': join(chunks, flowDiagram),
      dompurify$: resolve(here, 'dompurify-stub.mjs')
    }
  },
  module: {
    rules: [{ test: /mermaid[\\/]dist[\\/].*\.mjs$/, use: [{ loader: resolve(here, 'no-lazy-imports.cjs') }] }]
  },
  optimization: { splitChunks: false, runtimeChunk: false },
  performance: { hints: false }
});

compiler.run((error, stats) => {
  if (error || stats.hasErrors()) {
    console.error(error || stats.toString({ colors: false, all: false, errors: true }));
    process.exit(1);
  }
  const count = writeLicences(stats);
  if (count === 0) {
    console.error('build-mermaid: found no bundled packages to list licences for');
    process.exit(1);
  }
  compiler.close(() => {});
});
