/**
 * Automatic layout with ELK (elkjs, the bundled build that runs in the page):
 * layered, left to right, laying containers (VPC, subnets ...) out with their
 * children in one pass (hierarchy handling INCLUDE_CHILDREN).  It only
 * computes positions; the canvas writes them to the design in one step.
 *
 * ELK does not pack disconnected parts when it handles the hierarchy itself
 * (they end up in one very tall column), so the design is split first:
 * every connected part holding a container gets its own layered run, the
 * other connected parts share one flat layered run (which packs them), and
 * lone resources go into a grid, grouped by type; the blocks are then packed
 * in rows.
 */

import ElkApi from 'elkjs/lib/elk-api.js';
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';

import { IPosition } from '../../types';
import { CONTAINER_PADDING, ICON_SIZE } from './style';

export interface ILayoutNode {
  id: string;
  parent: string | null;
  container: boolean;
  /** Catalog type (groups lone resources in the grid). */
  type?: string;
}

export interface ILayoutEdge {
  id: string;
  source: string;
  target: string;
}

/** The box ELK reserves for a resource: its icon and, below it, its label. */
export const LEAF_BOX = { width: 130, height: ICON_SIZE + 36 };
/** An empty container's size (the canvas draws it at least this big). */
export const EMPTY_CONTAINER = {
  // cytoscape's min-width/min-height (200 x 120 in style.ts) size a compound's inner
  // body: its padding comes on top, so the box ELK reserves must include it too
  width: 200 + 2 * CONTAINER_PADDING,
  height: 120 + 2 * CONTAINER_PADDING
};

const GAP = 70;
const PAD = CONTAINER_PADDING + 16;
const ASPECT = 1.6;

let elk: ELK | null = null;
let elkReady: Promise<ELK> | null = null;

/**
 * ELK in a Web Worker (the page stays responsive during a big layout); if
 * the worker cannot start, the bundled build running in the page.
 */
function getElk(): Promise<ELK> {
  if (!elkReady) {
    elkReady = (async () => {
      try {
        const worker = new ElkApi({
          workerFactory: () =>
            new Worker(new URL('elkjs/lib/elk-worker.min.js', import.meta.url))
        });
        // a first, tiny layout proves the worker loaded
        await Promise.race([
          worker.layout({ id: 'probe', children: [{ id: 'a', width: 1, height: 1 }] }),
          new Promise((_, reject) => setTimeout(() => reject(new Error('ELK worker timeout')), 8000))
        ]);
        return worker;
      } catch (error) {
        console.warn('isshoni: ELK web worker unavailable, laying out in the page', error);
        const { default: Bundled } = await import('elkjs/lib/elk.bundled.js');
        return new Bundled();
      }
    })();
  }
  return elkReady;
}

interface IBlock {
  width: number;
  height: number;
  /** Positions relative to the block's top-left corner. */
  positions: Record<string, IPosition>;
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Positions (cytoscape convention: the centre of the node's body) for every
 * node, containers included.
 */
export async function elkLayout(
  nodes: ILayoutNode[],
  edges: ILayoutEdge[]
): Promise<Record<string, IPosition>> {
  elk = await getElk();
  const byId = new Map(nodes.map(n => [n.id, n]));
  const parentOf = (id: string): string | null => {
    const p = byId.get(id)?.parent ?? null;
    return p && p !== id && byId.has(p) ? p : null;
  };
  const ancestors = (id: string): string[] => {
    const out: string[] = [];
    let up = parentOf(id);
    while (up && !out.includes(up) && up !== id) {
      out.push(up);
      up = parentOf(up);
    }
    return out;
  };
  const top = (id: string): string => {
    const up = ancestors(id);
    return up.length ? up[up.length - 1] : id;
  };

  // the edges ELK can use
  const usable = edges.filter(
    e =>
      e.source !== e.target &&
      byId.has(e.source) &&
      byId.has(e.target) &&
      !ancestors(e.source).includes(e.target) &&
      !ancestors(e.target).includes(e.source)
  );

  // connected parts over the top-level units (a top container carries its descendants)
  const root = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (root.get(r) !== r) {
      r = root.get(r)!;
    }
    root.set(x, r);
    return r;
  };
  const members = new Map<string, string[]>();
  for (const n of nodes) {
    const t = top(n.id);
    root.set(t, t);
    (members.get(t) ?? members.set(t, []).get(t)!).push(n.id);
  }
  for (const e of usable) {
    const a = find(top(e.source));
    const b = find(top(e.target));
    if (a !== b) {
      root.set(a, b);
    }
  }
  const parts = new Map<string, string[]>();
  for (const unit of members.keys()) {
    const r = find(unit);
    (parts.get(r) ?? parts.set(r, []).get(r)!).push(unit);
  }

  const hierarchical: string[][] = [];
  const flat: string[] = [];
  const lone: string[] = [];
  for (const units of parts.values()) {
    const ids: string[] = [];
    for (const u of units) {
      ids.push(...members.get(u)!);
    }
    if (ids.some(id => byId.get(id)!.container)) {
      hierarchical.push(ids.sort(byKey));
    } else if (ids.length > 1) {
      flat.push(...ids);
    } else {
      lone.push(ids[0]);
    }
  }

  const fast = nodes.length > 300;
  const blocks: IBlock[] = [];
  for (const ids of hierarchical.sort((a, b) => b.length - a.length || byKey(a[0], b[0]))) {
    blocks.push(await layered(ids, usable, parentOf, byId, true, fast));
  }
  if (flat.length) {
    blocks.push(await layered(flat.sort(byKey), usable, parentOf, byId, false, fast));
  }
  if (lone.length) {
    blocks.push(grid(lone, byId));
  }
  return pack(blocks);
}

/** One ELK layered run over `ids` (with their containers when `hierarchy`). */
async function layered(
  ids: string[],
  edges: ILayoutEdge[],
  parentOf: (id: string) => string | null,
  byId: Map<string, ILayoutNode>,
  hierarchy: boolean,
  fast: boolean
): Promise<IBlock> {
  const inside = new Set(ids);
  const elkNodes = new Map<string, ElkNode>();
  const hier: Record<string, string> = hierarchy ? { 'elk.hierarchyHandling': 'INCLUDE_CHILDREN' } : {};
  for (const id of ids) {
    const n = byId.get(id)!;
    const box = n.container ? EMPTY_CONTAINER : LEAF_BOX;
    elkNodes.set(id, {
      id,
      width: box.width,
      height: box.height,
      layoutOptions: n.container
        ? {
            ...hier,
            // the canvas draws a container around its children (labels included) plus
            // CONTAINER_PADDING; ELK gets some more so boxes never touch
            'elk.padding': `[top=${PAD + 6},left=${PAD},bottom=${PAD},right=${PAD}]`,
            'elk.contentAlignment': 'H_CENTER V_CENTER',
            'elk.nodeSize.constraints': 'MINIMUM_SIZE',
            'elk.nodeSize.minimum': `(${EMPTY_CONTAINER.width}, ${EMPTY_CONTAINER.height})`
          }
        : undefined
    });
  }
  const graph: ElkNode = {
    id: '__root__',
    layoutOptions: {
      ...hier,
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '36',
      'elk.layered.spacing.nodeNodeBetweenLayers': '100',
      'elk.spacing.componentComponent': '60',
      // fewer crossing-minimisation passes on big designs (ELK runs in the page)
      ...(fast ? { 'elk.layered.thoroughness': '2' } : {}),
      'elk.edgeRouting': 'POLYLINE',
      'elk.aspectRatio': String(ASPECT)
    },
    children: [],
    edges: []
  };
  for (const id of ids) {
    const p = hierarchy ? parentOf(id) : null;
    const holder = p && inside.has(p) ? elkNodes.get(p)! : graph;
    (holder.children = holder.children ?? []).push(elkNodes.get(id)!);
  }
  for (const e of edges) {
    if (inside.has(e.source) && inside.has(e.target)) {
      graph.edges!.push({ id: e.id, sources: [e.source], targets: [e.target] } as ElkExtendedEdge);
    }
  }
  const laid = await elk!.layout(graph);
  const positions: Record<string, IPosition> = {};
  const visit = (node: ElkNode, ox: number, oy: number) => {
    for (const child of node.children ?? []) {
      const x = ox + (child.x ?? 0);
      const y = oy + (child.y ?? 0);
      const w = child.width ?? 0;
      const h = child.height ?? 0;
      positions[child.id] = byId.get(child.id)?.container
        ? { x: x + w / 2, y: y + h / 2 }
        : { x: x + w / 2, y: y + ICON_SIZE / 2 + 2 };
      visit(child, x, y);
    }
  };
  visit(laid, 0, 0);
  return { width: laid.width ?? 0, height: laid.height ?? 0, positions };
}

/** Lone resources in a grid, grouped by type. */
function grid(ids: string[], byId: Map<string, ILayoutNode>): IBlock {
  const sorted = [...ids].sort(
    (a, b) => byKey(byId.get(a)?.type ?? '', byId.get(b)?.type ?? '') || byKey(a, b)
  );
  const cellW = LEAF_BOX.width + 20;
  const cellH = LEAF_BOX.height + 20;
  const cols = Math.max(1, Math.round(Math.sqrt((sorted.length * ASPECT * cellH) / cellW)));
  const positions: Record<string, IPosition> = {};
  sorted.forEach((id, i) => {
    const c = i % cols;
    const r = Math.floor(i / cols);
    positions[id] = { x: c * cellW + LEAF_BOX.width / 2, y: r * cellH + ICON_SIZE / 2 + 2 };
  });
  const rows = Math.ceil(sorted.length / cols);
  return { width: cols * cellW - 20, height: rows * cellH - 20, positions };
}

/** Blocks in rows (container parts first, lone resources last), about ASPECT times wider than high. */
function pack(blocks: IBlock[]): Record<string, IPosition> {
  const out: Record<string, IPosition> = {};
  if (!blocks.length) {
    return out;
  }
  const area = blocks.reduce((s, b) => s + (b.width + GAP) * (b.height + GAP), 0);
  const rowWidth = Math.max(Math.sqrt(area * ASPECT), ...blocks.map(b => b.width));
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const b of blocks) {
    if (x > 0 && x + b.width > rowWidth) {
      x = 0;
      y += rowHeight + GAP;
      rowHeight = 0;
    }
    for (const [id, p] of Object.entries(b.positions)) {
      out[id] = { x: x + p.x, y: y + p.y };
    }
    x += b.width + GAP;
    rowHeight = Math.max(rowHeight, b.height);
  }
  return out;
}
