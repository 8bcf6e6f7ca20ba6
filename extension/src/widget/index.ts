/**
 * The notebook widget's front end (anywidget): a live, read-mostly view of a
 * design drawn with the canvas's own stylesheet and icons.
 *
 * Python owns the truth: it sends the design's resources and connections in
 * the `design` trait and redraws here on every change; dragging a node sends
 * a `move` message back, and Python writes it into the design (`move`), which
 * comes back as a trait change like any other edit.  Bundled into one
 * self-contained ESM file (cytoscape included) by scripts/build-widget.mjs.
 */

import cytoscape from 'cytoscape';

import { iconSvg } from '../icons';
import {
  BADGES,
  ITheme,
  PUBLIC_SUBNET_SVG,
  ROLE_COLORS,
  buildStyle,
  containerColor,
  readTheme,
  sizedIconUri
} from '../components/canvas/style';
import { installFastStyleCache } from '../components/canvas/style-cache';
import { IConnection, IResource } from '../types';

/** What the Python side says about each resource type the design uses. */
interface ITypeInfo {
  icon: string;
  category: string;
  is_container: boolean;
}

interface IWidgetDesign {
  resources: Record<string, IResource>;
  connections: Record<string, IConnection>;
}

/** The slice of anywidget's model this view uses. */
interface IModel {
  get(name: string): any;
  set(name: string, value: any): void;
  save_changes(): void;
  send(content: any): void;
  on(event: string, callback: (...args: any[]) => void): void;
  off(event: string, callback: (...args: any[]) => void): void;
}

type Move = { id: string; x: number; y: number };

/**
 * The canvas's theme colours; in a VS Code notebook (no JupyterLab variables) the
 * editor's own colours, so a dark VS Code theme gets a dark diagram.
 */
function widgetTheme(el: HTMLElement): ITheme {
  const theme = readTheme(el);
  const body = document.body.classList;
  if (!body.contains('vscode-light') && !body.contains('vscode-dark') && !body.contains('vscode-high-contrast')) {
    return theme;
  }
  const style = getComputedStyle(el);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const light = body.contains('vscode-light');
  return {
    ...theme,
    light,
    background: v('--vscode-editor-background', light ? '#ffffff' : '#1e1e1e'),
    font: v('--vscode-editor-foreground', light ? '#212121' : '#d4d4d4'),
    fontMuted: v('--vscode-descriptionForeground', light ? '#616161' : '#a0a0a0'),
    fontFamily: v('--vscode-font-family', theme.fontFamily),
    brand: v('--vscode-focusBorder', theme.brand)
  };
}

function nodeData(id: string, r: IResource, info: ITypeInfo | undefined, severity: string | undefined) {
  const svg =
    r.type === 'subnet' && r.properties?.tier === 'public'
      ? PUBLIC_SUBNET_SVG
      : iconSvg(info?.icon ?? '', info?.category ?? '');
  // data URIs, not blob URLs: VS Code's notebook webviews refuse blob: images
  const icon = sizedIconUri(svg);
  const label = r.label || id;
  return {
    id,
    type: r.type,
    label,
    display: label,
    icon,
    images: severity === 'error' || severity === 'warning' ? `${icon} ${BADGES[severity]}` : icon,
    color: info?.is_container ? containerColor(r.type, r.properties ?? {}) : '#888888'
  };
}

function nodeClasses(info: ITypeInfo | undefined, severity: string | undefined): string {
  const classes = [info ? (info.is_container ? 'container' : 'leaf') : 'leaf unknown'];
  if (severity === 'error' || severity === 'warning') {
    classes.push(`finding-${severity}`);
  }
  return classes.join(' ');
}

function edgeClasses(c: IConnection, severity: string | undefined): string {
  const classes: string[] = [];
  const role = c.properties?.role;
  if (typeof role === 'string' && ROLE_COLORS[role]) {
    classes.push(`role-${role}`);
  }
  if (severity === 'error' || severity === 'warning') {
    classes.push(`finding-${severity}`);
  }
  return classes.join(' ');
}

/** Resource ids with every parent before its children (cytoscape adds a compound's parent first). */
function parentsFirst(resources: Record<string, IResource>): string[] {
  const depth = (id: string): number => {
    let d = 0;
    const seen = new Set([id]);
    for (let up = resources[id]?.parent; up && resources[up] && !seen.has(up); up = resources[up].parent) {
      seen.add(up);
      d++;
    }
    return d;
  };
  return Object.keys(resources).sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));
}

/** Bring the cytoscape graph to the design: add, update, re-parent and remove only what differs. */
function sync(cy: cytoscape.Core, design: IWidgetDesign, types: Record<string, ITypeInfo>, findings: Record<string, string>): number {
  const resources = design.resources ?? {};
  const connections = design.connections ?? {};
  let added = 0;
  cy.batch(() => {
    cy.edges().filter(e => !connections[e.id()]).remove();
    cy.nodes().filter(n => !resources[n.id()]).forEach(n => {
      n.children().move({ parent: null });
      n.remove();
    });
    for (const id of parentsFirst(resources)) {
      const r = resources[id];
      const info = types[r.type];
      const data: Record<string, any> = nodeData(id, r, info, findings[id]);
      const parent = r.parent && r.parent !== id && cy.getElementById(r.parent).nonempty() ? r.parent : null;
      if (parent) {
        data.parent = parent;
      }
      const position = { x: r.position?.x ?? 0, y: r.position?.y ?? 0 };
      let node = cy.getElementById(id);
      if (node.empty()) {
        cy.add({ group: 'nodes', data, position, classes: nodeClasses(info, findings[id]) });
        added++;
        continue;
      }
      const up = (node as cytoscape.NodeSingular).parent();
      const currentParent = up.nonempty() ? up[0].id() : null;
      if (currentParent !== parent && !(parent && node.descendants().getElementById(parent).nonempty())) {
        node.move({ parent });
        node = cy.getElementById(id);
      }
      delete data.parent;
      node.data(data);
      node.classes(nodeClasses(info, findings[id]));
      const p = node.position();
      if (!node.isParent() && !node.grabbed() && (Math.round(p.x) !== Math.round(position.x) || Math.round(p.y) !== Math.round(position.y))) {
        node.position(position);
      }
    }
    for (const [id, c] of Object.entries(connections)) {
      if (cy.getElementById(c.source).empty() || cy.getElementById(c.target).empty()) {
        continue;
      }
      const edge = cy.getElementById(id);
      const data = { id, source: c.source, target: c.target, label: c.label ?? '' };
      if (edge.nonempty() && (edge.data('source') !== c.source || edge.data('target') !== c.target)) {
        edge.remove();
      }
      if (cy.getElementById(id).empty()) {
        cy.add({ group: 'edges', data, classes: edgeClasses(c, findings[id]) });
        added++;
      } else {
        edge.data('label', data.label);
        edge.classes(edgeClasses(c, findings[id]));
      }
    }
  });
  return added;
}

/** The positions a drag changed: the node itself, or every leaf inside a dragged container. */
function movesOf(nodes: cytoscape.NodeCollection): Move[] {
  const moves = new Map<string, Move>();
  nodes.forEach(node => {
    const moved = node.isParent() ? node.descendants().filter(d => !d.isParent()) : node;
    moved.forEach(n => {
      const p = n.position();
      moves.set(n.id(), { id: n.id(), x: Math.round(p.x), y: Math.round(p.y) });
    });
  });
  return [...moves.values()];
}

function render({ model, el }: { model: IModel; el: HTMLElement }): () => void {
  const host = document.createElement('div');
  host.className = 'isshoni-widget';
  host.style.width = '100%';
  host.style.height = model.get('height') || '480px';
  host.style.position = 'relative';
  el.appendChild(host);

  installFastStyleCache();
  const cy = cytoscape({
    container: host,
    style: buildStyle(widgetTheme(el)),
    minZoom: 0.05,
    maxZoom: 4,
    autoungrabify: !model.get('editable'),
    boxSelectionEnabled: false,
    layout: { name: 'preset' }
  });
  // tests and the curious reach the graph here
  (host as any).cy = cy;

  let userMovedView = false;
  host.addEventListener('wheel', () => (userMovedView = true), { passive: true });
  const fit = () => {
    cy.resize();
    if (cy.elements().nonempty() && cy.width() > 0) {
      cy.fit(cy.elements(), 24);
      if (cy.zoom() > 1.5) {
        cy.zoom(1.5);
        cy.center();
      }
    }
  };

  const redraw = () => {
    const added = sync(cy, model.get('design') ?? {}, model.get('types') ?? {}, model.get('findings') ?? {});
    if (added && !userMovedView) {
      fit();
    }
  };
  const restyle = () => cy.style().fromJson(buildStyle(widgetTheme(el))).update();
  const onEditable = () => cy.autoungrabify(!model.get('editable'));
  const onHeight = () => {
    host.style.height = model.get('height') || '480px';
    fit();
  };

  // a double click on the background fits the design again (and keeps it fitted as it grows)
  cy.on('dbltap', event => {
    if (event.target === cy) {
      userMovedView = false;
      fit();
    }
  });
  cy.on('dragfree', 'node', event => {
    const moves = movesOf(event.target as cytoscape.NodeCollection);
    if (moves.length) {
      model.send({ kind: 'move', moves });
    }
  });
  cy.on('select unselect', () => {
    model.set('selected', cy.$(':selected').map(e => e.id()));
    model.save_changes();
  });

  model.on('change:design', redraw);
  model.on('change:types', redraw);
  model.on('change:findings', redraw);
  model.on('change:editable', onEditable);
  model.on('change:height', onHeight);
  redraw();

  // the output area settles its size after the first paint (and Voila lays out late)
  const resizer = new ResizeObserver(() => {
    if (!userMovedView) {
      fit();
    } else {
      cy.resize();
    }
  });
  resizer.observe(host);
  const themeWatch = new MutationObserver(restyle);
  themeWatch.observe(document.body, { attributes: true, attributeFilter: ['data-jp-theme-light', 'data-jp-theme-name', 'class'] });

  return () => {
    model.off('change:design', redraw);
    model.off('change:types', redraw);
    model.off('change:findings', redraw);
    model.off('change:editable', onEditable);
    model.off('change:height', onHeight);
    resizer.disconnect();
    themeWatch.disconnect();
    cy.destroy();
  };
}

export default { render };
