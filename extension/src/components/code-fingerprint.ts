/**
 * What the generated code and the checks depend on: the design without node
 * positions, chat and deployments.  Moving a node or chatting changes the
 * document but not this text, so nothing is regenerated or re-checked then.
 */

import { canonical, YInfra } from '../yinfra';

export function designFingerprint(doc: YInfra): string {
  const resources: Record<string, any> = {};
  for (const [id, r] of Object.entries(doc.resources)) {
    const { position: _position, ...rest } = r as any;
    resources[id] = rest;
  }
  return canonical({
    meta: doc.meta,
    resources,
    connections: doc.connections
  });
}

/** Does this change of the document touch what the code depends on? */
export function touchesDesign(changes: {
  metaChanged?: boolean;
  resourcesChanged?: string[];
  connectionsChanged?: string[];
}): boolean {
  return !!(
    changes.metaChanged ||
    changes.resourcesChanged?.length ||
    changes.connectionsChanged?.length
  );
}
