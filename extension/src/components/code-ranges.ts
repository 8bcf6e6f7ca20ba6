/**
 * Which lines of the generated files each design id produced (the server's
 * `ranges`, see compiler/code_ranges.py), looked up both ways: the spans of
 * the selected ids, the id whose block holds a clicked line.
 */

import { LineSpan } from './code-editor';

/** File name -> design id -> its spans in that file. */
export type CodeRanges = Record<string, Record<string, LineSpan[]>>;

/** The spans the ids produced in one file. */
export function spansOf(ranges: CodeRanges, file: string, ids: string[]): LineSpan[] {
  const byId = ranges[file] ?? {};
  const spans: LineSpan[] = [];
  for (const id of ids) {
    spans.push(...(byId[id] ?? []));
  }
  return spans;
}

/** The id (among `known`) whose block holds this line of the file, if any. */
export function idAtLine(
  ranges: CodeRanges,
  file: string,
  line: number,
  known: (id: string) => boolean
): string | null {
  for (const [id, spans] of Object.entries(ranges[file] ?? {})) {
    if (known(id) && spans.some(([first, last]) => first <= line && line <= last)) {
      return id;
    }
  }
  return null;
}

/** The first of `files` (in display order) where the ids produced something. */
export function fileWith(ranges: CodeRanges, files: string[], ids: string[]): string | null {
  return files.find(f => spansOf(ranges, f, ids).length > 0) ?? null;
}
