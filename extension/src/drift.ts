/**
 * A drift report (server: deploy/drift.py, `POST .../drift`) as the canvas holds it, and how
 * adopting a node's live values becomes one undoable edit of the shared document.  Python's
 * `drift_report.py` renders the same report for the command line and notebooks.
 */

import { YInfra } from './yinfra';

/** One drifted setting: the design's value, the live one, and what adopting it would set. */
export interface IDriftDifference {
  setting: string;
  path: string;
  design: unknown;
  live: unknown;
  part: string;
  type: string;
  /** the design property adopting writes, with its value (absent: the design cannot hold it) */
  property?: string;
  value?: unknown;
  why?: string;
}

export type DriftStatus = 'in sync' | 'drifted' | 'deleted' | 'not deployed' | 'not checked';

export interface IDriftNode {
  type: string;
  status: DriftStatus;
  differences: IDriftDifference[];
  notes: string[];
  adopt?: { set?: Record<string, unknown>; remove?: string };
  changed_since_deploy?: boolean;
}

export interface IDriftReport {
  design: string;
  target: string;
  engine: string;
  region: string;
  nodes: Record<string, IDriftNode>;
  counts: Record<DriftStatus, number>;
  unmanaged: { checked: boolean; resources: { arn: string; service: string }[]; why?: string };
  known_at_deploy: number;
  notes: string[];
  seconds: number;
}

/** Nodes a person should look at: drifted, or deleted outside. */
export function flagged(report: IDriftReport | null): [string, IDriftNode][] {
  return Object.entries(report?.nodes ?? {}).filter(([, n]) => n.status === 'drifted' || n.status === 'deleted');
}

/** Write what runs into the design for one node, as one undoable edit; false when there is nothing to adopt. */
export function adoptLive(doc: YInfra, id: string, node: IDriftNode): boolean {
  const plan = node.adopt;
  if (!plan) {
    return false;
  }
  if (plan.remove) {
    doc.remove(plan.remove);
  } else if (plan.set && Object.keys(plan.set).length) {
    doc.transact(() => doc.set(id, plan.set as Record<string, any>));
  } else {
    return false;
  }
  return true;
}

/** The report without `id` (adopted: what runs and the design agree again there). */
export function withoutNode(report: IDriftReport, id: string): IDriftReport {
  const node = report.nodes[id];
  if (!node) {
    return report;
  }
  const counts = { ...report.counts, [node.status]: Math.max(0, (report.counts[node.status] ?? 1) - 1) };
  const nodes = { ...report.nodes };
  delete nodes[id];
  if (!node.adopt?.remove) {
    // what the design could not hold stays drifted (re-apply is the way back for it)
    const left = node.differences.filter(d => d.property === undefined);
    const status: DriftStatus = left.length ? 'drifted' : 'in sync';
    nodes[id] = { ...node, status, differences: left, adopt: undefined };
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return { ...report, nodes, counts };
}

export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? 'nothing';
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
