/** A small SVG chart of the canary: green % after each step (a line), and the current split (a bar). */

import { IWeights } from './records';

const NS = 'http://www.w3.org/2000/svg';
const W = 260;
const H = 90;
const BAR = 14;

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    node.setAttribute(k, String(v));
  }
  return node;
}

export function weightsChart(history: number[], weights: IWeights | null): SVGSVGElement {
  const svg = el('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'isshoni-CanaryChart', role: 'img' });
  const title = el('title', {});
  title.textContent = weights
    ? `now ${weights.blue}% blue / ${weights.green}% green; green after each step: ${history.join(', ')}`
    : 'no canary weights yet';
  svg.append(title);
  const blue = weights ? (weights.blue / 100) * W : W;
  svg.append(el('rect', { x: 0, y: 0, width: blue, height: BAR, fill: '#1f6feb' }));
  svg.append(el('rect', { x: blue, y: 0, width: W - blue, height: BAR, fill: '#2da44e' }));
  const top = BAR + 8;
  const plot = H - top - 4;
  svg.append(el('line', { x1: 0, y1: top + plot, x2: W, y2: top + plot, stroke: '#8a8f98', 'stroke-width': 1 }));
  const points = history.slice(-24);
  if (points.length) {
    const dx = points.length > 1 ? W / (points.length - 1) : 0;
    const xy = points.map((g, i) => `${(i * dx).toFixed(1)},${(top + plot - (g / 100) * plot).toFixed(1)}`);
    svg.append(el('polyline', { points: xy.join(' '), fill: 'none', stroke: '#2da44e', 'stroke-width': 2 }));
    for (const p of xy) {
      const [x, y] = p.split(',');
      svg.append(el('circle', { cx: x, cy: y, r: 2.5, fill: '#2da44e' }));
    }
  }
  return svg;
}
