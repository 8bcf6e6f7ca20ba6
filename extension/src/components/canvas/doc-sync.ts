/**
 * The document -> cytoscape direction of the canvas: every element drawn
 * from `ctx.doc` (YInfra), in one go or incrementally for the ids a change
 * touched.  Edits go the other way only through the YInfra operations; the
 * canvas keeps no copy of the design besides what cytoscape draws.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { IResource } from '../../types';
import { syncReferenceEdges } from '../references';
import { ElementFactory } from './elements';
import { parentIdOf, samePosition } from './geometry';

export class DocSync {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core,
    private _elements: ElementFactory
  ) {}

  /** Draw the whole design anew. */
  build(): void {
    const resources = this._ctx.doc.resources;
    const connections = this._ctx.doc.connections;
    const depth = depths(resources);
    const ids = Object.keys(resources).sort((a, b) => depth.get(a)! - depth.get(b)! || (a < b ? -1 : 1));
    const elements: cytoscape.ElementDefinition[] = [];
    for (const id of ids) {
      const r = resources[id];
      const data = this._elements.nodeData(id, r);
      if (r.parent && resources[r.parent] && r.parent !== id) {
        data.parent = r.parent;
      }
      elements.push({
        group: 'nodes',
        data,
        position: { x: r.position?.x ?? 0, y: r.position?.y ?? 0 },
        classes: this._elements.nodeClasses(r, id)
      });
    }
    this._pendingEdges.clear();
    const typeOf = (rid: string) => resources[rid]?.type;
    for (const [id, c] of Object.entries(connections)) {
      if (resources[c.source] && resources[c.target]) {
        elements.push({ group: 'edges', data: this._elements.edgeData(id, c, typeOf), classes: this._elements.edgeClasses(c, id) });
      } else {
        this._pendingEdges.add(id);
      }
    }
    this._cy.batch(() => {
      this._cy.elements().remove();
      this._cy.add(elements);
    });
    this.syncReferences();
  }

  /** Whether a change adds so many new nodes that it is a whole new design (a reload, a generated one). */
  isNewDesign(resourceIds: string[]): boolean {
    const added = resourceIds.length > 200 ? resourceIds.filter(id => this._cy.getElementById(id).empty()).length : 0;
    return added > 200 && added >= this._cy.nodes().length;
  }

  /** Redraw the resources and connections a change touched, in one batch. */
  apply(resourceIds: string[], connectionIds: string[]): void {
    this._cy.batch(() => {
      if (resourceIds.length) {
        this._applyResources(resourceIds);
      }
      if (connectionIds.length) {
        this._applyConnections(connectionIds);
      }
      if (this._pendingEdges.size) {
        this._applyConnections([...this._pendingEdges]);
      }
    });
  }

  /** The dashed edges of generic resources' references (`{"ref": id}` in their properties). */
  syncReferences(): void {
    syncReferenceEdges(this._cy, id => this._ctx.doc.resource(id));
  }

  private _applyResources(ids: string[]): void {
    const cy = this._cy;
    const adds: { id: string; r: IResource }[] = [];
    const updates: { id: string; r: IResource }[] = [];
    const removes: string[] = [];
    for (const id of ids) {
      const r = this._ctx.doc.resource(id);
      const node = cy.getElementById(id);
      if (!r) {
        if (node.nonempty()) {
          removes.push(id);
        }
      } else if (node.empty()) {
        adds.push({ id, r });
      } else {
        updates.push({ id, r });
      }
    }
    if (adds.length) {
      // parents before children
      const addIds = new Map(adds.map(a => [a.id, a.r]));
      const depthOf = (id: string): number => {
        let d = 0;
        let up = addIds.get(id)?.parent ?? null;
        const seen = new Set([id]);
        while (up && addIds.has(up) && !seen.has(up)) {
          seen.add(up);
          d++;
          up = addIds.get(up)?.parent ?? null;
        }
        return d;
      };
      adds.sort((a, b) => depthOf(a.id) - depthOf(b.id));
      const defs: cytoscape.ElementDefinition[] = [];
      const present = (id: string) => addIds.has(id) || cy.getElementById(id).nonempty();
      for (const { id, r } of adds) {
        const data = this._elements.nodeData(id, r);
        if (r.parent && r.parent !== id && present(r.parent)) {
          data.parent = r.parent;
        }
        defs.push({
          group: 'nodes',
          data,
          position: { x: r.position?.x ?? 0, y: r.position?.y ?? 0 },
          classes: this._elements.nodeClasses(r, id)
        });
      }
      cy.add(defs);
    }
    for (const { id, r } of updates) {
      this._updateNode(id, r);
    }
    for (const id of removes) {
      const node = cy.getElementById(id);
      // children the document did not move yet go to the removed node's parent
      const up = parentIdOf(node);
      node.children().forEach(child => {
        child.move({ parent: up });
      });
      node.remove();
    }
  }

  private _updateNode(id: string, r: IResource): void {
    const cy = this._cy;
    let node = cy.getElementById(id);
    const data = this._elements.nodeData(id, r);
    const changed: Record<string, any> = {};
    for (const [key, value] of Object.entries(data)) {
      if (key !== 'id' && node.data(key) !== value) {
        changed[key] = value;
      }
    }
    if (Object.keys(changed).length) {
      node.data(changed);
    }
    const classes = this._elements.nodeClasses(r, id);
    for (const cls of ['container', 'leaf', 'unknown', 'finding-error', 'finding-warning']) {
      const want = classes.includes(cls);
      if (node.hasClass(cls) !== want) {
        node.toggleClass(cls, want);
      }
    }
    // parent
    let want: string | null = r.parent && r.parent !== id ? r.parent : null;
    if (want) {
      const parent = cy.getElementById(want);
      if (parent.empty() || node.descendants().getElementById(want).nonempty()) {
        want = null;
      }
    }
    const current = parentIdOf(node);
    if (want !== current) {
      node.move({ parent: want });
      node = cy.getElementById(id);
    }
    // position (a container with children is drawn around them)
    if (!node.isParent() && !node.grabbed() && !samePosition(node.position(), r.position)) {
      node.position({ x: r.position?.x ?? 0, y: r.position?.y ?? 0 });
    }
  }

  private _applyConnections(ids: string[]): void {
    const cy = this._cy;
    const adds: cytoscape.ElementDefinition[] = [];
    for (const id of ids) {
      const c = this._ctx.doc.connection(id);
      const edge = cy.getElementById(id);
      if (!c) {
        edge.remove();
        this._pendingEdges.delete(id);
        continue;
      }
      if (cy.getElementById(c.source).empty() || cy.getElementById(c.target).empty()) {
        edge.remove();
        this._pendingEdges.add(id);
        continue;
      }
      this._pendingEdges.delete(id);
      const data = this._elements.edgeData(id, c, rid => cy.getElementById(rid).data('type'));
      const classes = this._elements.edgeClasses(c, id);
      if (edge.empty()) {
        adds.push({ group: 'edges', data, classes });
        continue;
      }
      if (edge.data('source') !== c.source || edge.data('target') !== c.target) {
        edge.move({ source: c.source, target: c.target });
      }
      if (edge.data('label') !== data.label) {
        edge.data('label', data.label);
      }
      for (const cls of ['role-blue', 'role-green', 'finding-error', 'finding-warning']) {
        const want = classes.includes(cls);
        if (edge.hasClass(cls) !== want) {
          edge.toggleClass(cls, want);
        }
      }
    }
    if (adds.length) {
      cy.add(adds);
    }
  }

  /** Connections whose ends are not drawn yet (drawn once both ends are). */
  private _pendingEdges = new Set<string>();
}

/** Depth of each resource in the container tree (parents first when adding). */
function depths(resources: Record<string, IResource>): Map<string, number> {
  const depth = new Map<string, number>();
  const of = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) {
      return known;
    }
    const parent = resources[id]?.parent;
    let d = 0;
    if (parent && resources[parent] && !seen.has(parent)) {
      seen.add(parent);
      d = of(parent, seen) + 1;
    }
    depth.set(id, d);
    return d;
  };
  for (const id of Object.keys(resources)) {
    of(id, new Set([id]));
  }
  return depth;
}
