/**
 * A generic resource's references (`{"ref": id}` in its properties) drawn as
 * dashed edges.  They are derived from the properties, never stored as
 * connections: editing the property is how a reference changes, so these
 * edges cannot be selected, deleted or drawn by hand.
 */

import cytoscape from 'cytoscape';

import { isGeneric, referenceEdges } from '../generic';
import { IResource } from '../types';

export const REFERENCE_CLASS = 'reference';

/** Make the canvas's reference edges match the generic resources' properties. */
export function syncReferenceEdges(
  cy: cytoscape.Core,
  resource: (id: string) => IResource | undefined
): void {
  const generic: Record<string, IResource> = {};
  cy.nodes().forEach(node => {
    const r = isGeneric(node.data('type')) ? resource(node.id()) : undefined;
    if (r) {
      generic[node.id()] = r;
    }
  });
  const present = cy.edges(`.${REFERENCE_CLASS}`);
  if (!present.length && !Object.keys(generic).length) {
    return;
  }
  const wanted = referenceEdges(generic, id => cy.getElementById(id).nonempty());
  const keep = new Set(wanted.map(e => e.id));
  cy.batch(() => {
    present.filter(edge => !keep.has(edge.id())).remove();
    const adds: cytoscape.ElementDefinition[] = [];
    for (const data of wanted) {
      const edge = cy.getElementById(data.id);
      if (edge.empty()) {
        adds.push({ group: 'edges', data, classes: REFERENCE_CLASS, selectable: false });
      } else if (edge.data('label') !== data.label) {
        edge.data('label', data.label);
      }
    }
    cy.add(adds);
  });
}
