/**
 * Where a resource may go: the containers under a point (innermost first),
 * the catalog's rule for which of them may hold a type (or why none may),
 * free spots for new nodes, and the drop-target marks that show the verdict
 * while dragging.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { ICatalogType, IPosition } from '../../types';
import { inBox } from './geometry';
import { CONTAINER_PADDING, ICON_SIZE } from './style';

export interface IPlacement {
  parent: string | null;
  refuse?: string;
  note?: string;
}

function grown(b: cytoscape.BoundingBox12, by: number): cytoscape.BoundingBox12 {
  return { x1: b.x1 - by, y1: b.y1 - by, x2: b.x2 + by, y2: b.y2 + by };
}

export class Placement {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core
  ) {}

  /** Containers whose box holds the point, innermost first. */
  containersAt(
    point: IPosition,
    exclude?: Set<string>,
    boxes?: Map<string, cytoscape.BoundingBox12>
  ): cytoscape.NodeSingular[] {
    const hits: { node: cytoscape.NodeSingular; depth: number; area: number }[] = [];
    this._cy.nodes('.container').forEach(n => {
      if (exclude?.has(n.id())) {
        return;
      }
      const box = boxes?.get(n.id()) ?? n.boundingBox({ includeLabels: false, includeOverlays: false });
      if (inBox(point, box)) {
        hits.push({ node: n, depth: n.ancestors().length, area: (box.x2 - box.x1) * (box.y2 - box.y1) });
      }
    });
    hits.sort((a, b) => b.depth - a.depth || a.area - b.area);
    return hits.map(h => h.node);
  }

  /** The catalog's name of a type (the type itself when unknown). */
  typeLabel(type: string): string {
    return this._ctx.catalog.get(type)?.label ?? type;
  }

  /** Where a resource of `entry` dropped at `point` goes (or why it may not). */
  placement(
    entry: ICatalogType,
    point: IPosition,
    exclude?: Set<string>,
    boxes?: Map<string, cytoscape.BoundingBox12>
  ): IPlacement {
    const under = this.containersAt(point, exclude, boxes);
    for (const c of under) {
      if (entry.containers.includes(c.data('type'))) {
        return { parent: c.id() };
      }
    }
    const inner = under[0];
    if (!entry.needs_container) {
      return {
        parent: null,
        note: inner
          ? `${entry.label} cannot go inside ${this.typeLabel(inner.data('type'))} '${inner.data('label')}': it goes beside it, outside`
          : undefined
      };
    }
    return {
      parent: null,
      refuse:
        `${entry.label} must be inside a ${this._containerNames(entry)}` +
        (inner ? `, not a ${this.typeLabel(inner.data('type'))}` : ': drop it onto one')
    };
  }

  /**
   * A container that a moved container's `box` would cross: any box other than the moved
   * container's own chain of containers (`parent` and up) and the nodes moving with it.  A box
   * drawn across another reads as a nesting the model does not have.
   */
  crossed(
    box: cytoscape.BoundingBox12,
    parent: string | null,
    moving: Set<string>,
    boxes?: Map<string, cytoscape.BoundingBox12>
  ): cytoscape.NodeSingular | null {
    const chain = new Set<string>();
    if (parent) {
      const host = this._cy.getElementById(parent);
      chain.add(parent);
      host.ancestors().forEach(a => {
        chain.add(a.id());
      });
    }
    const found = this._cy.nodes('.container').filter(n => {
      if (moving.has(n.id()) || chain.has(n.id())) {
        return false;
      }
      const b = boxes?.get(n.id()) ?? n.boundingBox({ includeLabels: false, includeOverlays: false });
      return box.x1 < b.x2 && b.x1 < box.x2 && box.y1 < b.y2 && b.y1 < box.y2;
    });
    return found.nonempty() ? (found[0] as cytoscape.NodeSingular) : null;
  }

  /** Nudges a new node off the nodes already there. */
  freeSpot(point: IPosition): IPosition {
    const taken = (p: IPosition) =>
      this._cy.nodes('.leaf').some(ele => {
        const q = (ele as cytoscape.NodeSingular).position();
        return Math.abs(q.x - p.x) < 40 && Math.abs(q.y - p.y) < 40;
      });
    const p = { x: Math.round(point.x), y: Math.round(point.y) };
    for (let i = 0; i < 50 && taken(p); i++) {
      p.x += 30;
      p.y += 30;
    }
    return p;
  }

  /**
   * A free point inside a container: on a grid over its box, away from other nodes and
   * outside the containers nested in it; below its children when the box is full.
   */
  freeSpotIn(container: cytoscape.NodeSingular): IPosition {
    if (!container.isParent()) {
      return { ...container.position() };
    }
    const box = container.boundingBox({ includeLabels: false, includeOverlays: false });
    const nested = container.descendants('.container');
    const leaves = this._cy.nodes('.leaf');
    const clear = (p: IPosition) =>
      !leaves.some(n => {
        const q = (n as cytoscape.NodeSingular).position();
        return Math.abs(q.x - p.x) < 60 && Math.abs(q.y - p.y) < 60;
      }) &&
      !nested.some(n =>
        inBox(p, grown((n as cytoscape.NodeSingular).boundingBox({ includeLabels: false, includeOverlays: false }), ICON_SIZE / 2))
      );
    for (let y = box.y1 + CONTAINER_PADDING + ICON_SIZE; y <= box.y2 - ICON_SIZE / 2; y += 100) {
      for (let x = box.x1 + CONTAINER_PADDING + ICON_SIZE / 2; x <= box.x2 - ICON_SIZE / 2; x += 110) {
        if (clear({ x, y })) {
          return { x: Math.round(x), y: Math.round(y) };
        }
      }
    }
    const bb = container.children().boundingBox({ includeLabels: true });
    return { x: bb.x1 + ICON_SIZE / 2, y: bb.y2 + ICON_SIZE };
  }

  /**
   * A point near `point` that the model agrees with for a node whose container is `parent`:
   * inside `parent` and not inside a container nested in it, or (no container) outside every
   * container, so no node is ever drawn inside a box it does not belong to.
   */
  agreeing(point: IPosition, parent: string | null): IPosition {
    const under = this.containersAt(point);
    if (parent === null) {
      let p = point;
      for (let i = 0; i < 50 && under.length; i++) {
        const outer = under[under.length - 1]; // step right past the outermost box here
        p = { x: outer.boundingBox({ includeLabels: false, includeOverlays: false }).x2 + ICON_SIZE, y: p.y };
        under.splice(0, under.length, ...this.containersAt(p));
      }
      return p;
    }
    if (under.length && under[0].id() === parent) {
      return point;
    }
    const host = this._cy.getElementById(parent);
    return host.nonempty() ? this.freeSpotIn(host as cytoscape.NodeSingular) : point;
  }

  /** Mark the container a drop would go into (ok) or that refuses it (bad); nulls clear the marks. */
  markDropTargets(ok: cytoscape.NodeSingular | null, bad: cytoscape.NodeSingular | null): void {
    this._cy.batch(() => {
      this._cy.$('.drop-ok, .drop-bad').forEach(n => {
        if (n !== ok) {
          n.removeClass('drop-ok');
        }
        if (n !== bad) {
          n.removeClass('drop-bad');
        }
      });
      ok?.addClass('drop-ok');
      bad?.addClass('drop-bad');
    });
  }

  private _containerNames(entry: ICatalogType): string {
    const names = entry.containers.map(t => this.typeLabel(t));
    return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0] ?? 'container';
  }
}
