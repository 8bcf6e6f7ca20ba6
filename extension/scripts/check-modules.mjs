/**
 * The extension's house rules for its sources, checked so CI enforces them:
 * no file over MAX_LINES lines, and no import cycle between modules
 * (type-only imports count: a cycle of types is still two files that must be
 * read together).  Imports are found and resolved by the TypeScript compiler
 * itself (`preProcessFile`, `resolveModuleName`), not by hand.
 *
 *   node scripts/check-modules.mjs [srcDir] [--max-lines N]
 *
 * Prints every problem and exits 1 when there is one.
 */

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let maxLines = 500;
let srcDir = path.resolve(here, '..', 'src');
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--max-lines') {
    maxLines = Number(args[++i]);
  } else {
    srcDir = path.resolve(args[i]);
  }
}

/** Every .ts / .tsx file under `dir`. */
function sources(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out.push(...sources(full));
    } else if (/\.tsx?$/.test(entry.name)) {
      out.push(full);
    }
  }
  return out.sort();
}

const options = { moduleResolution: ts.ModuleResolutionKind.Node10, jsx: ts.JsxEmit.React, allowJs: false };
const files = sources(srcDir);
const rel = file => path.relative(srcDir, file);
const problems = [];
const graph = new Map();

for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > maxLines) {
    problems.push(`too long: ${rel(file)} has ${lines} lines (at most ${maxLines})`);
  }
  const deps = new Set();
  for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
    if (!imported.fileName.startsWith('.')) {
      continue; // a package, not one of ours
    }
    const resolved = ts.resolveModuleName(imported.fileName, file, options, ts.sys).resolvedModule;
    const target = resolved && path.resolve(resolved.resolvedFileName);
    if (target && files.includes(target)) {
      deps.add(target);
    }
  }
  graph.set(file, [...deps].sort());
}

// Tarjan's strongly connected components: each component of more than one file is a cycle.
let index = 0;
const order = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function visit(file) {
  order.set(file, index);
  low.set(file, index);
  index++;
  stack.push(file);
  onStack.add(file);
  for (const dep of graph.get(file)) {
    if (!order.has(dep)) {
      visit(dep);
      low.set(file, Math.min(low.get(file), low.get(dep)));
    } else if (onStack.has(dep)) {
      low.set(file, Math.min(low.get(file), order.get(dep)));
    }
  }
  if (low.get(file) === order.get(file)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file).includes(file)) {
      components.push(component);
    }
  }
}
for (const file of files) {
  if (!order.has(file)) {
    visit(file);
  }
}

/** One concrete cycle inside a component, as a path of files back to its start. */
function cycleIn(component) {
  const members = new Set(component);
  const start = [...component].sort()[0];
  const seen = new Set([start]);
  const walk = (file, trail) => {
    for (const dep of graph.get(file)) {
      if (dep === start) {
        return [...trail, start];
      }
      if (members.has(dep) && !seen.has(dep)) {
        seen.add(dep);
        const found = walk(dep, [...trail, dep]);
        if (found) {
          return found;
        }
      }
    }
    return null;
  };
  return walk(start, [start]);
}

for (const component of components) {
  problems.push(`import cycle: ${cycleIn(component).map(rel).join(' -> ')}`);
}

if (problems.length) {
  console.log(problems.join('\n'));
  process.exit(1);
}
console.log(`${files.length} modules, none over ${maxLines} lines, no import cycle`);
