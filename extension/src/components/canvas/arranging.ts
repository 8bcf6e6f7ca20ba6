/**
 * Which client lays a freshly generated design out: the one with the lowest
 * awareness client id, unless another says (awareness `arranging`) it is
 * doing so already.
 */

import { DesignContext } from '../../context';

/** The lowest client id present (the one client that may act for everyone). */
export function isLowestClient(ctx: DesignContext): boolean {
  const awareness = ctx.doc.awareness;
  let lowest = awareness.clientID;
  awareness.getStates().forEach((_: any, id: number) => {
    lowest = Math.min(lowest, id);
  });
  return lowest === awareness.clientID;
}

/** Whether another client says (awareness `arranging`) it is laying the design out. */
export function someoneArranging(ctx: DesignContext): boolean {
  const awareness = ctx.doc.awareness;
  let busy = false;
  awareness.getStates().forEach((state: any, id: number) => {
    if (id !== awareness.clientID && state?.arranging) {
      busy = true;
    }
  });
  return busy;
}
