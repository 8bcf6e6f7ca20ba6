/**
 * Small facts about what cytoscape draws: which elements belong to the design
 * (not the canvas's own ghosts), a node's parent, points and boxes.
 */

import cytoscape from 'cytoscape';

import { IPosition } from '../../types';
import { GHOST_PREFIX } from './style';

/** The tip of the line drawn while connecting, and that line. */
export const GHOST_TIP = `${GHOST_PREFIX}tip`;
export const GHOST_EDGE = `${GHOST_PREFIX}edge`;
/** Ids of the assistant's proposed (not yet applied) nodes and edges. */
export const PROPOSED = `${GHOST_PREFIX}proposed-`;

/** Whether an element id is one of the canvas's own (never in the document). */
export function isGhost(id: string): boolean {
  return id.startsWith(GHOST_PREFIX);
}

/** The elements that stand for the design (no ghosts). */
export function designElements(cy: cytoscape.Core): cytoscape.CollectionReturnValue {
  return cy.elements().filter(ele => !isGhost(ele.id()));
}

export function samePosition(a: IPosition | undefined, b: IPosition | undefined): boolean {
  return !!a && !!b && Math.round(a.x) === Math.round(b.x) && Math.round(a.y) === Math.round(b.y);
}

export function parentIdOf(node: cytoscape.NodeSingular | cytoscape.CollectionReturnValue): string | null {
  const p = (node as cytoscape.NodeSingular).parent();
  return p.length ? p[0].id() : null;
}

export function inBox(p: IPosition, b: cytoscape.BoundingBox12): boolean {
  return p.x >= b.x1 && p.x <= b.x2 && p.y >= b.y1 && p.y <= b.y2;
}
