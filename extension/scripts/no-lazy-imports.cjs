// rspack loader for build-mermaid.mjs: Mermaid's lazy `import("./chunk.mjs")` calls load
// renderers and layouts (ELK, cytoscape, KaTeX) that parsing never needs; each becomes a
// rejected promise so the bundle stays small and self-contained.
module.exports = function noLazyImports(source) {
  return source.replace(/\bimport\((["'][^"']+["'])\)/g, 'Promise.reject(new Error("not bundled: " + $1))');
};
