/**
 * Plain values in and out of the design's Yjs maps: reading a map as JSON, writing an item
 * (a resource or connection: a Map with a nested `properties` Map), and bringing a map to new
 * content by writing only what differs (a restore: a concurrent edit elsewhere survives it).
 * The TypeScript side of `yinfra.py`'s `_apply_map` / `_apply_items`.
 */

import * as Y from 'yjs';

export const NESTED = 'properties';

/** Yjs numbers are doubles; whole ones are ints in JSON either way. */
export function plain(value: any): any {
  if (value instanceof Y.Map) {
    const out: Record<string, any> = {};
    value.forEach((v: any, k: string) => {
      out[k] = plain(v);
    });
    return out;
  }
  if (value instanceof Y.Array) {
    return value.toArray().map(plain);
  }
  return value;
}

/** A JSON text with keys sorted at every level and two-space indent, as Python's `dumps`. */
export function canonical(data: any): string {
  const sort = (v: any): any => {
    if (Array.isArray(v)) {
      return v.map(sort);
    }
    if (v && typeof v === 'object') {
      const out: Record<string, any> = {};
      for (const key of Object.keys(v).sort()) {
        out[key] = sort(v[key]);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(sort(data), null, 2) + '\n';
}

export function itemMap(item: Record<string, any>): Y.Map<any> {
  const map = new Y.Map<any>();
  for (const [key, value] of Object.entries(item)) {
    if (key !== NESTED && value !== undefined) {
      map.set(key, value);
    }
  }
  const props = new Y.Map<any>();
  for (const [key, value] of Object.entries(item[NESTED] ?? {})) {
    props.set(key, value);
  }
  map.set(NESTED, props);
  return map;
}


/** Same JSON value (key order ignored). */
export function same(a: any, b: any): boolean {
  return canonical(a) === canonical(b);
}

/** Write the keys whose values differ and delete the keys that are gone (`skip` left alone). */
export function applyMap(map: Y.Map<any>, values: Record<string, any>, skip: string[] = []): void {
  for (const key of [...map.keys()]) {
    if (!(key in values) && !skip.includes(key)) {
      map.delete(key);
    }
  }
  for (const [key, value] of Object.entries(values)) {
    if (!skip.includes(key) && value !== undefined && (!map.has(key) || !same(plain(map.get(key)), value))) {
      map.set(key, value);
    }
  }
}

/** Resources or connections: add, remove, and patch the fields of the items both sides have;
 * `before` (the content the change was worked out from) spares items that did not change. */
export function applyItems(root: Y.Map<Y.Map<any>>, items: Record<string, any>, before: Record<string, any>): void {
  for (const id of Object.keys(before)) {
    if (!(id in items) && root.has(id)) {
      root.delete(id);
    }
  }
  for (const [id, item] of Object.entries(items).sort()) {
    if (id in before && same(before[id], item)) {
      continue;
    }
    const current = root.get(id);
    if (!(current instanceof Y.Map)) {
      root.set(id, itemMap(item));
      continue;
    }
    applyMap(current, item, [NESTED]);
    const nested = current.get(NESTED);
    if (nested instanceof Y.Map) {
      applyMap(nested, item[NESTED] ?? {});
    } else {
      const fresh = new Y.Map<any>();
      current.set(NESTED, fresh);
      applyMap(fresh, item[NESTED] ?? {});
    }
  }
}
