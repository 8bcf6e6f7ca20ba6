// Bundle the notebook widget's front end (lib/widget/index.js, compiled by tsc)
// with cytoscape and the AWS icons into ONE self-contained ES module for
// anywidget: no CDN, no chunks (notebooks may run offline).  Uses rspack, the
// bundler the labextension build already brings (@jupyter/builder).
import { rspack } from '@rspack/core';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const production = process.argv.includes('--production');

const compiler = rspack({
  mode: production ? 'production' : 'development',
  devtool: false,
  target: 'web',
  context: root,
  entry: { widget: './lib/widget/index.js' },
  experiments: { outputModule: true },
  output: {
    path: resolve(root, '../kernels_helpers/isshoni/widget/static'),
    filename: '[name].js',
    module: true,
    library: { type: 'module' },
    chunkFormat: 'module',
    clean: false
  },
  optimization: { splitChunks: false, runtimeChunk: false },
  module: {
    // the icons are imported as SVG text, as in the labextension build
    rules: [{ test: /\.svg$/, type: 'asset/source' }]
  },
  performance: { hints: false }
});

compiler.run((error, stats) => {
  if (error || stats.hasErrors()) {
    console.error(error || stats.toString({ colors: false, all: false, errors: true }));
    process.exit(1);
  }
  // an unchanged bundle is still listed by name (rspack groups it as "cached" otherwise: no name)
  const info = stats.toJson({ assets: true, all: false, cachedAssets: true, groupAssetsByStatus: false });
  for (const asset of info.assets) {
    console.log(`isshoni widget: ${asset.name} ${(asset.size / 1024).toFixed(0)} KiB`);
  }
  compiler.close(() => {});
});
