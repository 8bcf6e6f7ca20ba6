/**
 * Generic resources: any CloudFormation registry type as a design node, type
 * `cfn:<CloudFormation type>` (the server's `isshoni.generic`).  Their
 * properties are CloudFormation's own; a value `{"ref": id}` or
 * `{"ref": id, "attribute": name}` refers to another node, and those
 * references are the node's connections on the canvas (derived from the
 * properties, so there is one source of truth).
 */

import { ICatalogType, IResource } from './types';

export const GENERIC_PREFIX = 'cfn:';

/** Reference edges are drawn, never stored: their ids cannot be design ids. */
export const REFERENCE_EDGE = '~ref~';

export function isGeneric(type: string | undefined): boolean {
  return typeof type === 'string' && type.startsWith(GENERIC_PREFIX);
}

/** `cfn:AWS::SQS::Queue` -> `SQS Queue`. */
export function genericLabel(type: string): string {
  const parts = type.slice(GENERIC_PREFIX.length).split('::');
  return parts.length === 3 ? `${parts[1]} ${parts[2]}` : type;
}

/** The base of a new id, as the server's `generic.id_base`: `...::VPCEndpoint` -> `vpc_endpoint`. */
export function idBase(type: string): string {
  if (!isGeneric(type)) {
    return type;
  }
  const name = type.split('::').pop() ?? '';
  return (
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
      .toLowerCase() || 'resource'
  );
}

/** What the palette, canvas and inspector need of a generic type (no container, no links). */
export function genericEntry(type: string): ICatalogType {
  const cfnType = type.slice(GENERIC_PREFIX.length);
  return {
    type,
    category: 'generic',
    icon: 'generic',
    label: genericLabel(type),
    description: `CloudFormation type ${cfnType} (a generic resource: its properties are CloudFormation's own)`,
    properties: { type: 'object', properties: {} },
    containers: [],
    is_container: false,
    needs_container: false,
    links: [],
    cloudformation: [cfnType],
    terraform: []
  };
}

/** The catalog, answering generic types with their generic entry. */
export class Catalog extends Map<string, ICatalogType> {
  get(type: string): ICatalogType | undefined {
    return super.get(type) ?? (isGeneric(type) ? genericEntry(type) : undefined);
  }
}

export interface IReference {
  path: (string | number)[];
  target: string;
  attribute?: string;
}

function isReference(value: any): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value) || !('ref' in value)) {
    return false;
  }
  return Object.keys(value).every(k => k === 'ref' || k === 'attribute');
}

/** Every well-formed reference in a properties value, in document order. */
export function references(value: any, path: (string | number)[] = []): IReference[] {
  if (isReference(value)) {
    const ok =
      typeof value.ref === 'string' &&
      (value.attribute === undefined || typeof value.attribute === 'string');
    return ok ? [{ path, target: value.ref, attribute: value.attribute }] : [];
  }
  const out: IReference[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => out.push(...references(item, [...path, i])));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push(...references(item, [...path, key]));
    }
  }
  return out;
}

/** The canvas edges of generic resources' references: one per (source, target) pair. */
export function referenceEdges(
  resources: Record<string, IResource>,
  exists: (id: string) => boolean = id => id in resources
): { id: string; source: string; target: string; label: string }[] {
  const edges = new Map<string, { id: string; source: string; target: string; label: string }>();
  for (const [id, r] of Object.entries(resources)) {
    if (!isGeneric(r.type)) {
      continue;
    }
    for (const ref of references(r.properties ?? {})) {
      const key = `${id}\u0000${ref.target}`;
      if (ref.target === id || !exists(ref.target) || edges.has(key)) {
        continue;
      }
      edges.set(key, {
        id: `${REFERENCE_EDGE}${id}~${ref.target}`,
        source: id,
        target: ref.target,
        label: ref.attribute ?? ''
      });
    }
  }
  return [...edges.values()];
}
