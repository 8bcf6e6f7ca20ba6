/**
 * Who is on this design, read from the room's Yjs awareness
 * (`ctx.doc.awareness`).  States come from other browsers and from Python
 * kernels; any field may be missing, and every string is a peer's.
 */

import { DesignContext } from '../../context';
import { IPosition } from '../../types';

/** One client in the room, as its awareness state describes it. */
export interface IPeer {
  clientID: number;
  local: boolean;
  name: string;
  username: string;
  initials: string;
  color: string;
  pointer: IPosition | null;
  selection: string[];
}

/** Up to two letters for an avatar chip. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (!words.length) {
    return '?';
  }
  const letters = words.length === 1 ? words[0].slice(0, 2) : words[0][0] + words[words.length - 1][0];
  return letters.toUpperCase();
}

/** A CSS colour we accept from a peer (hex, rgb/hsl or a JupyterLab collaborator variable). */
function safeColor(value: unknown): string | null {
  if (typeof value !== 'string') {
    return null;
  }
  const v = value.trim();
  if (
    /^#[0-9a-fA-F]{3,8}$/.test(v) ||
    /^(rgb|rgba|hsl|hsla)\([0-9.,%\s/-]+\)$/.test(v) ||
    /^var\(--[A-Za-z0-9-]+\)$/.test(v) ||
    /^[a-zA-Z]{3,20}$/.test(v)
  ) {
    return v;
  }
  return null;
}

const FALLBACK_COLORS = ['#e91e63', '#9c27b0', '#3f51b5', '#009688', '#ff9800', '#795548', '#607d8b', '#4caf50'];

/** Every client in the awareness with a user (or a pointer or a selection). */
export function peersOf(ctx: DesignContext): IPeer[] {
  const awareness = ctx.doc.awareness;
  const out: IPeer[] = [];
  awareness.getStates().forEach((state: any, clientID: number) => {
    if (!state || typeof state !== 'object') {
      return;
    }
    const local = clientID === awareness.clientID;
    const user = state.user && typeof state.user === 'object' ? state.user : {};
    if (!local && !state.user && !state.pointer && !state.selection) {
      return;
    }
    const name = String(
      user.display_name || user.name || user.username || (local ? ctx.displayName : `Client ${clientID}`)
    );
    const pointer =
      state.pointer &&
      typeof state.pointer === 'object' &&
      Number.isFinite(state.pointer.x) &&
      Number.isFinite(state.pointer.y)
        ? { x: Number(state.pointer.x), y: Number(state.pointer.y) }
        : null;
    const selection = Array.isArray(state.selection)
      ? state.selection.filter((s: unknown) => typeof s === 'string')
      : [];
    out.push({
      clientID,
      local,
      name,
      username: String(user.username || name),
      initials: String(user.initials || initialsOf(name)).slice(0, 3),
      color:
        safeColor(user.color) ??
        (local ? safeColor(ctx.user.color) : null) ??
        FALLBACK_COLORS[clientID % FALLBACK_COLORS.length],
      pointer,
      selection
    });
  });
  return out;
}
