/**
 * The design as an SVG image drawn from what the canvas shows (containers,
 * connections with their labels and roles, resources with their icons,
 * finding badges), in the canvas's theme: a picture for documents that stays
 * sharp and whose texts can be searched.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { FindingBadges } from './badges';
import { designElements, isGhost } from './geometry';
import { BADGE_COLORS, ICON_SIZE, ITheme, ROLE_COLORS, iconDataUri } from './style';

export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The background of exported images: the theme's. */
export function exportBackground(theme: ITheme): string {
  return theme.background || '#ffffff';
}

export async function exportSvg(
  cy: cytoscape.Core,
  ctx: DesignContext,
  theme: ITheme,
  badges: FindingBadges
): Promise<Blob> {
  const eles = designElements(cy);
  const pad = 30;
  const bb = eles.nonempty() ? eles.boundingBox({}) : { x1: 0, y1: 0, x2: 100, y2: 100, w: 100, h: 100 };
  const x0 = bb.x1 - pad;
  const y0 = bb.y1 - pad;
  const width = Math.ceil(bb.x2 - bb.x1 + 2 * pad);
  const height = Math.ceil(bb.y2 - bb.y1 + 2 * pad);
  const f = (n: number) => (Math.round(n * 10) / 10).toString();
  const font = xmlEscape(theme.fontFamily.replace(/"/g, "'"));
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
      `width="${width}" height="${height}" viewBox="${f(x0)} ${f(y0)} ${width} ${height}" ` +
      `font-family="${font}">`
  );
  const name = ctx.doc.meta?.name;
  if (name) {
    out.push(`<title>${xmlEscape(String(name))}</title>`);
  }
  out.push('<defs>');
  const arrowColors = new Map<string, string>();
  const arrow = (color: string) => {
    let id = arrowColors.get(color);
    if (!id) {
      id = `arrow${arrowColors.size}`;
      arrowColors.set(color, id);
    }
    return id;
  };
  const defsAt = out.length;
  out.push('</defs>');
  out.push(
    `<rect x="${f(x0)}" y="${f(y0)}" width="${width}" height="${height}" fill="${xmlEscape(exportBackground(theme))}"/>`
  );

  // containers, outermost first
  const containers = cy
    .nodes('.container')
    .filter(n => !isGhost(n.id()))
    .sort((a, b) => (a as cytoscape.NodeSingular).ancestors().length - (b as cytoscape.NodeSingular).ancestors().length);
  containers.forEach(n => {
    const b = n.boundingBox({ includeLabels: false, includeOverlays: false, includeUnderlays: false, includeOutlines: false } as any);
    const color = xmlEscape(n.data('color'));
    const bw = 2;
    out.push(
      `<g class="container" id="${xmlEscape(n.id())}">` +
        `<rect x="${f(b.x1 + bw / 2)}" y="${f(b.y1 + bw / 2)}" width="${f(b.x2 - b.x1 - bw)}" height="${f(b.y2 - b.y1 - bw)}" ` +
        `fill="${color}" fill-opacity="${theme.light ? 0.05 : 0.1}" stroke="${color}" stroke-width="${bw}"/>` +
        `<image x="${f(b.x1 + bw / 2)}" y="${f(b.y1 + bw / 2)}" width="26" height="26" href="${xmlEscape(iconDataUri(n.data('icon')))}" xlink:href="${xmlEscape(iconDataUri(n.data('icon')))}"/>` +
        `<text x="${f((b.x1 + b.x2) / 2)}" y="${f(b.y1 + 19)}" text-anchor="middle" font-size="12" font-weight="bold" fill="${color}">${xmlEscape(n.data('display') ?? '')}</text>` +
        svgBadge(badges, n.id(), b.x2 - 2, b.y1 + 2) +
        `</g>`
    );
  });

  // connections
  cy.edges()
    .filter(e => !isGhost(e.id()))
    .forEach(e => {
      const s = e.sourceEndpoint();
      const t = e.targetEndpoint();
      const mid = e.midpoint();
      const role = e.hasClass('role-blue') ? ROLE_COLORS.blue : e.hasClass('role-green') ? ROLE_COLORS.green : null;
      const sev = badges.get(e.id())?.severity;
      const color = sev ? BADGE_COLORS[sev] : role ?? (theme.light ? '#8a8f98' : '#9aa0a6');
      const widthPx = role ? 2.5 : 1.5;
      // a quadratic curve through the midpoint (straight when it is on the line)
      const cx = 2 * mid.x - (s.x + t.x) / 2;
      const cyy = 2 * mid.y - (s.y + t.y) / 2;
      const d = `M${f(s.x)},${f(s.y)} Q${f(cx)},${f(cyy)} ${f(t.x)},${f(t.y)}`;
      out.push(
        `<g class="connection" id="${xmlEscape(e.id())}"><path d="${d}" fill="none" stroke="${color}" stroke-width="${widthPx}"` +
          (sev ? ' stroke-dasharray="6 4"' : '') +
          ` marker-end="url(#${arrow(color)})"/>`
      );
      const label = e.data('label');
      if (label) {
        out.push(
          `<text x="${f(mid.x)}" y="${f(mid.y - 4)}" text-anchor="middle" font-size="10" fill="${xmlEscape(theme.fontMuted)}" ` +
            `stroke="${xmlEscape(exportBackground(theme))}" stroke-width="3" paint-order="stroke">${xmlEscape(label)}</text>`
        );
      }
      out.push('</g>');
    });

  // resources
  cy.nodes('.leaf').forEach(n => {
    const p = n.position();
    const half = ICON_SIZE / 2;
    const icon = iconDataUri(n.data('icon'));
    const lines = wrap(String(n.data('display') ?? ''), 20);
    const text = lines
      .map(
        (line, i) =>
          `<tspan x="${f(p.x)}" dy="${i === 0 ? 0 : 13}">${xmlEscape(line)}</tspan>`
      )
      .join('');
    out.push(
      `<g class="resource" id="${xmlEscape(n.id())}">` +
        `<image x="${f(p.x - half)}" y="${f(p.y - half)}" width="${ICON_SIZE}" height="${ICON_SIZE}" href="${xmlEscape(icon)}" xlink:href="${xmlEscape(icon)}"/>` +
        `<text x="${f(p.x)}" y="${f(p.y + half + 15)}" text-anchor="middle" font-size="11" fill="${xmlEscape(theme.font)}">${text}</text>` +
        svgBadge(badges, n.id(), p.x + half, p.y - half) +
        `</g>`
    );
  });

  const markers = [...arrowColors].map(
    ([color, id]) =>
      `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
      `<path d="M0,0 L10,5 L0,10 z" fill="${xmlEscape(color)}"/></marker>`
  );
  out.splice(defsAt, 0, ...markers);
  out.push('</svg>');
  return new Blob([out.join('\n')], { type: 'image/svg+xml' });
}

/** A finding badge (a red or amber circle with "!", its messages as the title). */
function svgBadge(badges: FindingBadges, id: string, x: number, y: number): string {
  const f = badges.get(id);
  if (!f) {
    return '';
  }
  const color = BADGE_COLORS[f.severity];
  return (
    `<g class="finding ${f.severity}"><title>${xmlEscape(f.messages.join('\n'))}</title>` +
    `<circle cx="${x}" cy="${y}" r="9" fill="${color}" stroke="#ffffff" stroke-width="2"/>` +
    `<text x="${x}" y="${y + 4.5}" text-anchor="middle" font-size="13" font-weight="bold" fill="#ffffff">!</text></g>`
  );
}

/** Up to three lines of at most `width` characters (longer words stand alone). */
function wrap(text: string, width: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && (line + ' ' + word).length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) {
    lines.push(line);
  }
  return lines.length ? lines.slice(0, 3) : [''];
}
