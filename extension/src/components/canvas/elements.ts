/**
 * How a resource or a connection of the design becomes a cytoscape element:
 * its data (label, icon, badge, colour) and its classes (container or leaf,
 * role, findings).
 */

import { DesignContext } from '../../context';
import { iconSvg } from '../../icons';
import { IConnection, IResource } from '../../types';
import { FindingBadges } from './badges';
import { edgeLabel } from './edge-label';
import { BADGES, PUBLIC_SUBNET_SVG, ROLE_COLORS, containerColor, iconUrl } from './style';

const FACT_CHARS = 26;

/**
 * A node's settings in a few words, shown under its name when zoomed in: the first two
 * properties the design sets (text as it is, numbers and switches with their name).
 */
export function facts(props: Record<string, any>): string {
  const out: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    if (out.length === 2 || key === 'accepted_risks') {
      continue;
    }
    const words = key.replace(/_/g, ' ');
    const text =
      typeof value === 'string' ? value : typeof value === 'number' ? `${words} ${value}` : value === true ? words : '';
    if (text) {
      out.push(text.length > FACT_CHARS ? text.slice(0, FACT_CHARS - 1) + '…' : text);
    }
  }
  return out.join(' · ');
}

export class ElementFactory {
  constructor(
    private _ctx: DesignContext,
    private _badges: FindingBadges
  ) {}

  nodeData(id: string, r: IResource): Record<string, any> {
    const entry = this._ctx.catalog.get(r.type);
    const container = !!entry?.is_container;
    let icon: string;
    if (r.type === 'subnet' && r.properties?.tier === 'public') {
      icon = iconUrl(PUBLIC_SUBNET_SVG);
    } else {
      icon = iconUrl(entry ? iconSvg(entry.icon, entry.category) : iconSvg('', ''));
    }
    const label = r.label || id;
    const severity = this._badges.get(id)?.severity;
    return {
      id,
      label,
      type: r.type,
      display: label,
      facts: facts(r.properties ?? {}),
      icon,
      images: severity ? `${icon} ${BADGES[severity]}` : icon,
      color: container ? containerColor(r.type, r.properties ?? {}) : '#888888'
    };
  }

  nodeClasses(r: IResource, id: string): string[] {
    const entry = this._ctx.catalog.get(r.type);
    const classes = [entry?.is_container ? 'container' : 'leaf'];
    if (!entry) {
      classes.push('unknown');
    }
    const severity = this._badges.get(id)?.severity;
    if (severity) {
      classes.push(`finding-${severity}`);
    }
    return classes;
  }

  /** `typeOf` gives a resource's type (the caller has the design or the drawn nodes at hand). */
  edgeData(id: string, c: IConnection, typeOf: (rid: string) => string | undefined): Record<string, any> {
    const targetType = typeOf(c.target);
    const link = targetType
      ? this._ctx.catalog.get(typeOf(c.source) ?? '')?.links.find(l => l.targets.includes(targetType))
      : undefined;
    return { id, source: c.source, target: c.target, label: edgeLabel(c, link) };
  }

  edgeClasses(c: IConnection, id: string): string[] {
    const classes: string[] = [];
    const role = c.properties?.role;
    if (typeof role === 'string' && ROLE_COLORS[role]) {
      classes.push(`role-${role}`);
    }
    const severity = this._badges.get(id)?.severity;
    if (severity) {
      classes.push(`finding-${severity}`);
    }
    return classes;
  }
}
