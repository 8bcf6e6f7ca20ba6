/**
 * The findings list: findings grouped by the node they belong to (the design's
 * own first), each group headed by the node's name and its worst severity, each
 * finding with a severity mark large enough to tell apart at a glance.  A group
 * or finding of a node that still exists is a link: it brings the node into view.
 */

import { YInfra } from '../yinfra';
import { IFinding } from '../types';

const SEVERITY_ICON: Record<string, string> = { error: '✕', warning: '!', info: 'i' };
const SEVERITY_ORDER: Record<string, number> = { error: 0, warning: 1, info: 2 };

export interface IShownFinding {
  finding: IFinding;
  stale: boolean;
}

/** A design id as a reader knows it: "Label (id)", or "label: a → b" for a connection. */
export function findingLabel(doc: YInfra, id: string): string {
  const r = doc.resource(id);
  if (r) {
    return r.label && r.label !== id ? `${r.label} (${id})` : id;
  }
  const c = doc.connection(id);
  if (c) {
    return `${c.label || id}: ${c.source} → ${c.target}`;
  }
  return id;
}

function exists(doc: YInfra, id: string | null | undefined): id is string {
  return !!id && (!!doc.resource(id) || !!doc.connection(id));
}

/** Groups in reading order: the design's own findings, then nodes by their worst severity, then name. */
export function groupFindings(shown: IShownFinding[]): [string | null, IShownFinding[]][] {
  const groups = new Map<string | null, IShownFinding[]>();
  for (const item of shown) {
    const key = item.finding.resource ?? null;
    const list = groups.get(key) ?? [];
    list.push(item);
    groups.set(key, list);
  }
  const worst = (items: IShownFinding[]) =>
    Math.min(...items.map(i => SEVERITY_ORDER[i.finding.severity] ?? 3));
  return [...groups.entries()].sort(
    ([a, ia], [b, ib]) =>
      (a === null ? -1 : 0) - (b === null ? -1 : 0) ||
      worst(ia) - worst(ib) ||
      String(a).localeCompare(String(b))
  );
}

function findingItem(doc: YInfra, { finding, stale }: IShownFinding): HTMLLIElement {
  const li = document.createElement('li');
  li.className = `isshoni-Finding isshoni-mod-${finding.severity}`;
  li.classList.toggle('isshoni-mod-stale', stale);
  li.dataset.severity = finding.severity;
  li.dataset.tool = finding.tool;
  if (finding.resource) {
    li.dataset.resource = finding.resource;
  }
  if (exists(doc, finding.resource)) {
    li.tabIndex = 0;
    li.title = `Show ${finding.resource} on the canvas`;
    li.classList.add('isshoni-mod-link');
  }
  const icon = document.createElement('span');
  icon.className = 'isshoni-Finding-icon';
  icon.textContent = SEVERITY_ICON[finding.severity] ?? '?';
  icon.setAttribute('aria-label', finding.severity);
  icon.title = finding.severity;
  const body = document.createElement('div');
  body.className = 'isshoni-Finding-body';
  const head = document.createElement('div');
  head.className = 'isshoni-Finding-head';
  const rule = document.createElement('code');
  rule.className = 'isshoni-Finding-rule';
  rule.textContent = `${finding.tool}:${finding.rule}`;
  head.appendChild(rule);
  const message = document.createElement('div');
  message.className = 'isshoni-Finding-message';
  message.textContent = finding.message;
  body.append(head, message);
  if (finding.location) {
    const loc = document.createElement('div');
    loc.className = 'isshoni-Finding-location';
    loc.textContent = String(finding.location);
    body.appendChild(loc);
  }
  li.append(icon, body);
  return li;
}

/** The list's items: a heading per node, then its findings. */
export function renderFindings(doc: YInfra, shown: IShownFinding[]): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const [id, items] of groupFindings(shown)) {
    const heading = document.createElement('li');
    heading.className = 'isshoni-FindingGroup';
    const worst = items.reduce(
      (w, i) => ((SEVERITY_ORDER[i.finding.severity] ?? 3) < (SEVERITY_ORDER[w] ?? 3) ? i.finding.severity : w),
      'info'
    );
    heading.classList.add(`isshoni-mod-${worst}`);
    heading.textContent = id === null ? 'Design' : findingLabel(doc, id);
    const count = document.createElement('span');
    count.className = 'isshoni-FindingGroup-count';
    count.textContent = String(items.length);
    heading.appendChild(count);
    if (exists(doc, id)) {
      heading.dataset.resource = id;
      heading.tabIndex = 0;
      heading.title = `Show ${id} on the canvas`;
      heading.classList.add('isshoni-mod-link');
    }
    out.push(heading, ...items.map(item => findingItem(doc, item)));
  }
  return out;
}
