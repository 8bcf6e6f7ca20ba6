/**
 * Named versions in the shared document (the `versions` root), the TypeScript twin of
 * `isshoni/design/versions.py`: a version is the design's meta, resources and connections as
 * they were, with who named it, when, and a note, stored as one plain value per name.  The room
 * keeps them append-only (stores/history_guard.py) and signs each with its author.
 */

import * as Y from 'yjs';

import { applyItems, applyMap, plain } from './yitems';

export const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._:+-]{0,63}$/;
export const MAX_VERSIONS = 100;
export const MAX_NOTE = 4096;
export const CONTENT = ['meta', 'resources', 'connections'] as const;

export interface IVersionContent {
  meta: Record<string, any>;
  resources: Record<string, any>;
  connections: Record<string, any>;
}

export interface IVersion {
  created: number;
  author?: string;
  note?: string;
  design: IVersionContent;
}

/** What a list of versions shows, oldest first (as `versions.listing` in Python). */
export interface IVersionSummary {
  name: string;
  created: number | null;
  author: string;
  note: string;
  resources: number;
  connections: number;
}

export function listing(root: Y.Map<any>): IVersionSummary[] {
  const out: IVersionSummary[] = [];
  root.forEach((value: any, name: string) => {
    const version = plain(value) as IVersion;
    const design = version?.design ?? ({} as IVersionContent);
    out.push({
      name,
      created: typeof version?.created === 'number' ? version.created : null,
      author: version?.author ?? '',
      note: version?.note ?? '',
      resources: Object.keys(design.resources ?? {}).length,
      connections: Object.keys(design.connections ?? {}).length
    });
  });
  return out.sort((a, b) => (a.created ?? 0) - (b.created ?? 0) || a.name.localeCompare(b.name));
}

/** Why `name` cannot be a new version (null when it can). */
export function nameProblem(root: Y.Map<any>, name: string, note: string): string | null {
  if (!NAME.test(name)) {
    return 'A version name is 1-64 letters, digits, spaces and ._:+- (starting with a letter or digit).';
  }
  if (root.has(name)) {
    return `There is already a version named “${name}”.`;
  }
  if (root.size >= MAX_VERSIONS) {
    return `A design keeps at most ${MAX_VERSIONS} versions.`;
  }
  if (note.length > MAX_NOTE) {
    return `A note is at most ${MAX_NOTE} characters.`;
  }
  return null;
}

/** The version to store for the current content (a copy: later edits never change it). */
export function snapshot(content: IVersionContent, author: string, note: string): IVersion {
  const version: IVersion = {
    created: Math.round(Date.now()) / 1000,
    design: JSON.parse(JSON.stringify(content))
  };
  if (author) {
    version.author = author.slice(0, 256);
  }
  if (note) {
    version.note = note;
  }
  return version;
}

/** The version's content, or null when there is no such version. */
export function content(root: Y.Map<any>, name: string): IVersionContent | null {
  const version = root.get(name);
  return version ? (plain(version) as IVersion).design : null;
}

/** Bring the design roots to `target`, writing only what differs from `before` (the content the
 * restore was worked out from): run inside the caller's transaction, so it is one undo step. */
export function restoreInto(
  roots: { meta: Y.Map<any>; resources: Y.Map<Y.Map<any>>; connections: Y.Map<Y.Map<any>> },
  before: IVersionContent,
  target: IVersionContent
): void {
  applyMap(roots.meta, target.meta ?? {});
  applyItems(roots.resources, target.resources ?? {}, before.resources ?? {});
  applyItems(roots.connections, target.connections ?? {}, before.connections ?? {});
}
