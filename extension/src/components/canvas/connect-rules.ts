/**
 * Whether one resource on the canvas may connect to another, by the
 * catalog's links, and in words why not (the hint while connecting and the
 * message when a connection is refused).
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { isGeneric } from '../../generic';

const GENERIC_CONNECT =
  'A generic resource connects through references in its properties: select it and write {"ref": "<id>"} in the Properties panel';

export interface IVerdict {
  ok: boolean;
  reason: string;
}

export function canConnect(ctx: DesignContext, cy: cytoscape.Core, source: string, target: string): IVerdict {
  const typeLabel = (type: string) => ctx.catalog.get(type)?.label ?? type;
  const s = cy.getElementById(source);
  const t = cy.getElementById(target);
  if (s.empty() || t.empty()) {
    return { ok: false, reason: 'Both ends must be resources on the canvas' };
  }
  const sType = s.data('type');
  const tType = t.data('type');
  const sName = `${typeLabel(sType)} '${s.data('label')}'`;
  const tName = `${typeLabel(tType)} '${t.data('label')}'`;
  if (source === target) {
    return { ok: false, reason: 'A resource cannot connect to itself' };
  }
  if (isGeneric(sType) || isGeneric(tType)) {
    return { ok: false, reason: GENERIC_CONNECT };
  }
  const sEntry = ctx.catalog.get(sType);
  const link = sEntry?.links.find(l => l.targets.includes(tType));
  if (link) {
    const exists = cy.edges().some(e => e.data('source') === source && e.data('target') === target);
    if (exists) {
      return { ok: false, reason: `${sName} is already connected to ${tName}` };
    }
    return { ok: true, reason: `${sName} ${link.meaning.split(':')[0]}` };
  }
  const reverse = ctx.catalog.get(tType)?.links.find(l => l.targets.includes(sType));
  if (reverse) {
    return {
      ok: false,
      reason: `${sName} cannot connect to ${tName}; draw it the other way, from ${tName} to ${sName}`
    };
  }
  const all: string[] = [];
  for (const l of sEntry?.links ?? []) {
    all.push(...l.targets);
  }
  const targets = [...new Set(all)].map(t => typeLabel(t));
  const shown = targets.slice(0, 6).join(', ') + (targets.length > 6 ? ', …' : '');
  return {
    ok: false,
    reason: targets.length
      ? `${sName} cannot connect to ${tName} (it connects to: ${shown})`
      : `${sName} cannot start a connection`
  };
}
