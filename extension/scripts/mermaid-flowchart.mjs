// Mermaid's own flowchart parser (the jison grammar and FlowDB inside the `mermaid`
// package) as a command: Mermaid text on stdin, one JSON object on stdout.  Bundled by
// build-mermaid.mjs into kernels_helpers/isshoni/importers/mermaid/static/ and run
// by isshoni.importers.mermaid.parser in a node child process with a deadline.  Nothing
// is rendered and nothing from the text is executed (securityLevel stays "strict").
//
// Out: {ok: true, direction, vertices, edges, subgraphs, ignored} or
//      {ok: false, error: {message, line, column, expected}}   (lines are 1-based)
// A diagram whose header is not `flowchart`/`graph` (Mermaid's
// own detector for flowcharts) is refused naming its kind and line.
import { diagram } from 'mermaid-flow-diagram';

// Mermaid logs through console; stdout carries only the answer.
for (const level of ['log', 'info', 'warn', 'debug', 'trace', 'error']) {
  console[level] = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');
}

function lineOf(lexer) {
  // jison's lexer: where the lookahead token starts (a statement's closing newline
  // starts on the statement's line; yylineno would already count it)
  if (typeof lexer?.yylloc?.first_line === 'number') return lexer.yylloc.first_line;
  return typeof lexer?.yylineno === 'number' ? lexer.yylineno + 1 : null;
}

let lexer = null;  // the lexer of the parse under way (for the line of an error without one)

function parse(text) {
  const parser = diagram.parser;
  const db = diagram.db;  // a fresh FlowDB
  // jison lexes with a fresh object made from parser.lexer per parse: catch it in `lex`
  const proto = parser.parser.lexer;
  lexer = proto;
  const seen = new Map();  // node id -> first line it appeared on
  const edgeLines = [];
  const subgraphLines = [];
  const ignored = [];  // styling and interaction lines: {kind, line}
  const wrap = (name, before) => {
    const original = db[name].bind(db);
    db[name] = (...args) => { before(...args); return original(...args); };
  };
  wrap('addVertex', (id, textObj, type, style) => {
    const line = lineOf(lexer);
    if (!seen.has(id)) seen.set(id, line);
    if (style && style.length) ignored.push({ kind: 'style', line });
  });
  wrap('addSingleLink', () => edgeLines.push(lineOf(lexer)));
  // a subgraph is added when its `end` is read: its line is where its `subgraph` keyword was
  const opened = [];
  const SUBGRAPH = parser.parser.symbols_?.subgraph;
  const lex = proto.lex;
  proto.lex = function () {
    lexer = this;
    const token = lex.call(this);
    if (token === SUBGRAPH || token === 'subgraph') opened.push(lineOf(this));
    return token;
  };
  wrap('addSubGraph', () => subgraphLines.push(opened.pop() ?? lineOf(lexer)));
  for (const [name, kind] of [['addClass', 'classDef'], ['setClass', 'class'], ['updateLink', 'linkStyle'],
    ['updateLinkInterpolate', 'linkStyle'], ['setClickEvent', 'click'], ['setLink', 'click'], ['setTooltip', 'click']]) {
    wrap(name, () => ignored.push({ kind, line: lineOf(lexer) }));
  }
  parser.parser.yy = db;
  parser.parse(text);
  const vertices = [...db.getVertices().values()].map((v) => ({
    id: v.id, text: v.text ?? v.id, labelType: v.labelType, shape: v.type ?? 'square',
    icon: v.icon ?? null, line: seen.get(v.id) ?? null,
  }));
  const edges = db.getEdges().map((e, i) => ({
    start: e.start, end: e.end, text: e.text ?? '', labelType: e.labelType, type: e.type, stroke: e.stroke,
    line: edgeLines[i] ?? null,
  }));
  const subgraphs = db.getSubGraphs().map((s, i) => ({
    id: s.id, title: s.title, labelType: s.labelType, nodes: s.nodes, line: subgraphLines[i] ?? null,
  }));
  return { ok: true, direction: db.getDirection() ?? null, vertices, edges, subgraphs, ignored };
}

// Mermaid's front matter: a `---` block at the very start (its preprocess regex)
const FRONT_MATTER = /^-{3}\s*[\n\r](.*?)[\n\r]-{3}\s*[\n\r]+/s;

const blank = (block) => block.replace(/[^\n]/g, '');

// What Mermaid's preprocess removes before a diagram's parser sees the text: front
// matter, `%%{init}%%` directives and `%%` comment lines; here they are blanked instead,
// so the parser's line numbers are the file's.
function preprocessed(text) {
  return text.replace(/\r\n?/g, '\n').replace(FRONT_MATTER, blank).replace(/%%\{[\s\S]*?\}%%/g, blank)
    .replace(/^[ \t]*%%(?!\{).*$/gm, '');
}

function notAFlowchart(text) {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('%%')) continue;
    const kind = line.split(/[\s;]/)[0];
    if (/^(flowchart|graph|flowchart-elk)$/.test(kind)) return null;
    return { message: `not a flowchart: the diagram is a '${kind.slice(0, 40)}' (Mermaid flowcharts start with 'flowchart' or 'graph')`,
      line: i + 1, column: 1, expected: ['flowchart', 'graph'] };
  }
  return { message: 'no diagram: the text is empty or only comments', line: null, column: null, expected: [] };
}

function failure(err) {
  const hash = err?.hash ?? {};
  // jison: hash.line is the 0-based line of the offending token; loc is the last token read
  const line = typeof hash.line === 'number' ? hash.line + 1 : (hash.loc?.first_line ?? lineOf(lexer));
  const column = hash.loc && hash.loc.first_line === line ? hash.loc.first_column + 1 : null;
  // the first line is the message (the rest of Mermaid's edge-limit text is about its JS API)
  const message = String(err?.message ?? err);
  const text = /^Edge limit exceeded/.test(message) ? message.split('\n')[0] : message;
  return { ok: false, error: { message: text, line, column,
    expected: Array.isArray(hash.expected) ? hash.expected.slice(0, 12) : [] } };
}

const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  let out;
  try {
    const text = preprocessed(Buffer.concat(chunks).toString('utf8'));
    const refusal = notAFlowchart(text);
    out = refusal ? { ok: false, error: refusal } : parse(text);
  } catch (err) {
    out = failure(err);
  }
  process.stdout.write(JSON.stringify(out));
});
