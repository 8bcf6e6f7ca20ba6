/**
 * What a connection's line says when nobody gave it a label: the catalog's
 * meaning of the link in a few words ("routes requests", "uses") and the
 * settings a reader wants at a glance (access level, port and path, the
 * blue/green role and its weight).  A label the user typed always wins.
 */

import { ICatalogLink, IConnection } from '../../types';

const MAX_WORDS = 28; // characters of the meaning kept on the line

/**
 * The catalog writes a meaning as "<what it does>[: how]"; the line keeps what it does,
 * without the pronouns and the "to this bucket" that the arrow already shows.
 */
export function shortMeaning(meaning: string): string {
  let head = meaning.split(/[:;(]/)[0].trim();
  if (head === 'drawn only') {
    return ''; // a system outside AWS: the arrow says it all
  }
  head = head.replace(/\s+(to|in|into|with|on|under|as|of|at|for)\s+(this|its|it)\b.*$/, '');
  head = head.replace(/\s+(when|if|so|because)\s.*$/, '');
  head = head.replace(/\s+it\b/g, '').replace(/\s+/g, ' ').trim();
  if (head.length > MAX_WORDS) {
    const cut = head.slice(0, MAX_WORDS);
    head = cut.slice(0, Math.max(cut.lastIndexOf(' '), 1)) + '…';
  }
  return head;
}

function settings(props: Record<string, any>): string[] {
  const out: string[] = [];
  if (typeof props.access === 'string' && props.access) {
    out.push(props.access === 'readwrite' ? 'read/write' : props.access);
  }
  if (typeof props.port === 'number' || (typeof props.port === 'string' && props.port)) {
    const path = typeof props.path === 'string' && props.path && props.path !== '/*' ? props.path : '';
    out.push(`:${props.port}${path}`);
  }
  if (typeof props.role === 'string' && props.role) {
    const weight = typeof props.weight === 'number' && props.weight > 0 ? ` ${props.weight}` : '';
    out.push(`${props.role}${weight}`);
  }
  return out;
}

export function edgeLabel(c: IConnection, link: ICatalogLink | undefined): string {
  if (c.label) {
    return c.label;
  }
  const defaults: Record<string, any> = {};
  for (const [name, spec] of Object.entries(link?.properties ?? {})) {
    if (spec && typeof spec === 'object' && 'default' in spec) {
      defaults[name] = spec.default;
    }
  }
  const words = link ? shortMeaning(link.meaning) : '';
  const bits = settings({ ...defaults, ...(c.properties ?? {}) });
  return [words, ...bits].filter(Boolean).join(' · ');
}
