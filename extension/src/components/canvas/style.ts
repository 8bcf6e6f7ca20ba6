/**
 * The canvas look: the cytoscape stylesheet, built from the JupyterLab theme's
 * CSS variables (so light and dark themes both work), and the AWS group-box
 * colours shared with the SVG export.
 */

import type cytoscape from 'cytoscape';

import publicSubnetSvg from 'aws-icons/icons/architecture-group/Publicsubnet.svg';

/** Ids of the canvas's own temporary elements (design ids start with a letter). */
export const GHOST_PREFIX = '_isshoni_';

/** Size of a resource icon on the canvas, in model units. */
export const ICON_SIZE = 48;
/** Space between a container's box and what it holds (room for its icon and label on top). */
export const CONTAINER_PADDING = 34;

/** Colours the canvas takes from the JupyterLab theme. */
export interface ITheme {
  light: boolean;
  background: string;
  font: string;
  fontFamily: string;
  fontMuted: string;
  border: string;
  brand: string;
  error: string;
  warn: string;
  success: string;
}

/** Reads the theme colours from the CSS variables visible on `node`. */
export function readTheme(node: HTMLElement): ITheme {
  const style = getComputedStyle(node);
  const v = (name: string, fallback: string) =>
    style.getPropertyValue(name).trim() || fallback;
  const light = document.body.dataset.jpThemeLight !== 'false';
  return {
    light,
    background: v('--jp-layout-color1', light ? '#ffffff' : '#111111'),
    font: v('--jp-ui-font-color1', light ? '#212121' : '#e0e0e0'),
    fontFamily: v('--jp-ui-font-family', 'sans-serif'),
    fontMuted: v('--jp-ui-font-color2', light ? '#616161' : '#bdbdbd'),
    border: v('--jp-border-color1', light ? '#bdbdbd' : '#616161'),
    brand: v('--jp-brand-color1', '#1976d2'),
    error: v('--jp-error-color1', '#d32f2f'),
    warn: v('--jp-warn-color1', '#f57c00'),
    success: v('--jp-success-color1', '#388e3c')
  };
}

/** AWS architecture-diagram group colours. */
export const GROUP_COLORS = {
  vpc: '#8c4fff',
  public: '#7aa116',
  private: '#00a4a6',
  other: '#7d8998'
};

/** The box colour of a container resource (VPC purple, public subnet green, private subnet teal-blue). */
export function containerColor(type: string, properties: Record<string, any>): string {
  if (type === 'vpc') {
    return GROUP_COLORS.vpc;
  }
  if (type === 'subnet') {
    return properties?.tier === 'public' ? GROUP_COLORS.public : GROUP_COLORS.private;
  }
  return GROUP_COLORS.other;
}

const sizedIcons = new Map<string, string>();

/**
 * An icon's SVG text as a data URI with an explicit size: the AWS icons only
 * have a viewBox, and a canvas draws such images at a wrong (tiny) size.
 */
export function sizedIconUri(svg: string): string {
  let uri = sizedIcons.get(svg);
  if (!uri) {
    const head = svg.slice(0, svg.indexOf('>') + 1);
    const sized = /\swidth=/.test(head)
      ? svg
      : svg.replace(/<svg\b/, '<svg width="128" height="128"');
    uri = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(sized)}`;
    sizedIcons.set(svg, uri);
  }
  return uri;
}

const iconUrls = new Map<string, string>();
const iconUrlSvgs = new Map<string, string>();

/**
 * A short same-origin URL (blob:) for an icon's SVG text, for the canvas.
 * Cytoscape hashes style values character by character on every style
 * update, so kilobyte-long data URIs on a thousand nodes cost seconds.
 */
export function iconUrl(svg: string): string {
  let url = iconUrls.get(svg);
  if (!url) {
    const head = svg.slice(0, svg.indexOf('>') + 1);
    const sized = /\swidth=/.test(head) ? svg : svg.replace(/<svg\b/, '<svg width="128" height="128"');
    url = URL.createObjectURL(new Blob([sized], { type: 'image/svg+xml' }));
    iconUrls.set(svg, url);
    iconUrlSvgs.set(url, svg);
  }
  return url;
}

/** The data URI of an icon the canvas shows under `url` (for exports that must stand alone). */
export function iconDataUri(url: string): string {
  const svg = iconUrlSvgs.get(url);
  return svg ? sizedIconUri(svg) : url;
}

/** The public-subnet group icon (the catalog maps every subnet to the private one). */
export const PUBLIC_SUBNET_SVG = publicSubnetSvg;

/** Blue/green deployment roles (`properties.role` of a connection). */
export const ROLE_COLORS: Record<string, string> = {
  blue: '#1f6feb',
  green: '#2da44e'
};

function badge(color: string, mark: string): string {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" viewBox="0 0 20 20">' +
    `<circle cx="10" cy="10" r="9" fill="${color}" stroke="#ffffff" stroke-width="2"/>` +
    `<text x="10" y="14.5" font-family="Arial,sans-serif" font-size="13" font-weight="bold" ` +
    `text-anchor="middle" fill="#ffffff">${mark}</text></svg>`;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** Badge images for findings (drawn in the canvas, top-right of a node). */
export const BADGES = {
  error: badge('#d32f2f', '!'),
  warning: badge('#f0a30a', '!')
};
export const BADGE_COLORS = { error: '#d32f2f', warning: '#f0a30a' };

/** Label sizes in model pixels (at zoom 1): a resource's name, a container's, a connection's. */
export const FONT = { node: 12, container: 13, edge: 11 };
/** The smallest label height, in screen pixels, a person reads without zooming in. */
export const MIN_LABEL_PX = 10;
/** The zoom at which the smallest label is `MIN_LABEL_PX` tall: Fit never goes below it. */
export const READABLE_ZOOM = MIN_LABEL_PX / Math.min(FONT.node, FONT.container, FONT.edge);

/** Deploy progress outlines per node status: colour and line style. */
export const DEPLOY_OUTLINES: Record<string, [string, string]> = {
  pending: ['#8a8f98', 'dashed'],
  creating: ['#1f6feb', 'dashed'],
  deleting: ['#f0a30a', 'dashed'],
  done: ['#2da44e', 'solid'],
  failed: ['#d32f2f', 'solid'],
  skipped: ['#8a8f98', 'dotted']
};

/** The cytoscape stylesheet for a theme. */
export function buildStyle(theme: ITheme): cytoscape.StylesheetJson {
  const labelBg = theme.background;
  const edgeColor = theme.light ? '#8a8f98' : '#9aa0a6';
  const style: any[] = [
    {
      selector: 'node',
      style: {
        width: ICON_SIZE,
        height: ICON_SIZE,
        // (only what differs from cytoscape's defaults: every property costs on 1,000 nodes)
        shape: 'round-rectangle',
        'background-opacity': 0,
        'background-image': 'data(images)',
        'background-fit': 'contain',
        'background-clip': 'none',
        'background-image-containment': 'over',
        label: 'data(display)',
        'font-family': theme.fontFamily,
        'font-size': FONT.node,
        color: theme.font,
        'text-valign': 'bottom',
        'text-margin-y': 4,
        'text-wrap': 'wrap',
        'text-max-width': '120px',
        'text-background-color': labelBg,
        'text-background-opacity': 0.75,
        'min-zoomed-font-size': 4,
        'overlay-padding': 4,
        'overlay-color': theme.brand
      }
    },
    {
      selector: 'node.container',
      style: {
        shape: 'rectangle',
        'background-color': 'data(color)',
        'background-opacity': theme.light ? 0.05 : 0.1,
        'background-fit': 'none',
        'background-width': '26px',
        'background-height': '26px',
        'background-position-x': '0px',
        'background-position-y': '0px',
        'border-width': 2,
        'border-color': 'data(color)',
        'border-opacity': 1,
        width: 200,
        height: 120,
        'min-width': '200px',
        'min-height': '120px',
        padding: `${CONTAINER_PADDING}px`,
        'compound-sizing-wrt-labels': 'include',
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': 20,
        'text-max-width': '400px',
        'font-weight': 'bold',
        'font-size': FONT.container,
        color: 'data(color)',
        'text-background-opacity': 0
      }
    },
    {
      // the other subnets a selected load balancer, service or database spreads over
      selector: 'node.container.spanned',
      style: { 'border-style': 'dashed', 'border-width': 4 }
    },
    {
      selector: 'node.unknown',
      style: { 'border-width': 2, 'border-style': 'dashed', 'border-color': theme.warn }
    },
    // findings: a badge (second background image) and a soft underlay
    {
      selector: 'node.finding-warning, node.finding-error',
      style: {
        'background-width': '100% 20px',
        'background-height': '100% 20px',
        'background-fit': 'contain none',
        'background-position-x': '50% 100%',
        'background-position-y': '50% 0%',
        'background-offset-x': '0px 10px',
        'background-offset-y': '0px -10px',
        'background-clip': 'none none',
        'bounds-expansion': 10,
        'underlay-padding': 6,
        'underlay-opacity': 0.22,
        'underlay-shape': 'round-rectangle'
      }
    },
    {
      selector: 'node.container.finding-warning, node.container.finding-error',
      style: {
        'background-width': '26px 20px',
        'background-height': '26px 20px',
        'background-fit': 'none none',
        'background-position-x': '0px 100%',
        'background-position-y': '0px 0%',
        'background-offset-x': '0px -4px',
        'background-offset-y': '0px 4px',
        'underlay-opacity': 0
      }
    },
    { selector: 'node.finding-warning', style: { 'underlay-color': BADGE_COLORS.warning } },
    { selector: 'node.finding-error', style: { 'underlay-color': BADGE_COLORS.error } },
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'curve-style': 'bezier',
        'line-color': edgeColor,
        'target-arrow-color': edgeColor,
        'target-arrow-shape': 'triangle',
        label: 'data(label)',
        'font-family': theme.fontFamily,
        'font-size': FONT.edge,
        color: theme.fontMuted,
        'text-rotation': 'autorotate',
        'text-background-color': labelBg,
        'text-background-opacity': 0.85,
        'min-zoomed-font-size': 4,
        'overlay-padding': 4,
        'overlay-color': theme.brand
      }
    },
    // a generic resource's reference (derived from its properties): dotted, a lighter arrow
    {
      selector: 'edge.reference',
      style: { 'line-style': 'dashed', 'line-dash-pattern': [5, 4], 'target-arrow-shape': 'vee', opacity: 0.85 }
    },
    {
      selector: 'edge.role-blue',
      style: { width: 2.5, 'line-color': ROLE_COLORS.blue, 'target-arrow-color': ROLE_COLORS.blue }
    },
    {
      selector: 'edge.role-green',
      style: { width: 2.5, 'line-color': ROLE_COLORS.green, 'target-arrow-color': ROLE_COLORS.green }
    },
    {
      selector: 'edge.finding-warning',
      style: { 'line-style': 'dashed', 'line-color': BADGE_COLORS.warning, 'target-arrow-color': BADGE_COLORS.warning }
    },
    {
      selector: 'edge.finding-error',
      style: { 'line-style': 'dashed', 'line-color': BADGE_COLORS.error, 'target-arrow-color': BADGE_COLORS.error }
    },
    // remote users' selections: an outline in their colour
    {
      selector: 'node.remote-selected',
      style: {
        'outline-width': 3,
        'outline-color': 'data(remoteColor)',
        'outline-offset': 4,
        'outline-opacity': 0.95
      }
    },
    {
      selector: 'edge.remote-selected',
      style: { 'underlay-color': 'data(remoteColor)', 'underlay-opacity': 0.45, 'underlay-padding': 4 }
    },
    // deploy progress (deploy/overlay.ts): an outline, so selection and findings still show
    ...Object.entries(DEPLOY_OUTLINES).map(([status, [color, lineStyle]]) => ({
      selector: `node.deploy-${status}`,
      style: { 'outline-width': 4, 'outline-offset': 3, 'outline-color': color, 'outline-style': lineStyle, 'outline-opacity': 1 }
    })),
    // this user's selection
    {
      selector: 'node:selected',
      style: { 'border-width': 3, 'border-color': theme.brand, 'border-opacity': 1 }
    },
    {
      selector: 'node.container:selected',
      style: { 'border-width': 4, 'border-color': theme.brand, 'background-opacity': theme.light ? 0.1 : 0.16 }
    },
    {
      selector: 'edge:selected',
      style: { width: 3.5, 'line-color': theme.brand, 'target-arrow-color': theme.brand }
    },
    { selector: 'node:active', style: { 'overlay-opacity': 0.08 } },
    // drag-and-drop feedback
    {
      selector: 'node.drop-ok',
      style: { 'border-width': 4, 'border-style': 'dashed', 'border-color': theme.brand, 'background-opacity': 0.15 }
    },
    {
      selector: 'node.drop-bad',
      style: { 'border-width': 4, 'border-style': 'dashed', 'border-color': theme.error }
    },
    // drawing a connection
    {
      selector: `node.connect-ok`,
      style: { 'underlay-color': theme.success, 'underlay-opacity': 0.35, 'underlay-padding': 8 }
    },
    {
      selector: `node.connect-bad`,
      style: { 'underlay-color': theme.error, 'underlay-opacity': 0.35, 'underlay-padding': 8 }
    },
    {
      selector: 'node.proposed',
      style: { opacity: 0.55, 'border-style': 'dashed', 'border-width': 2, 'border-color': theme.brand }
    },
    {
      selector: 'edge.proposed',
      style: { 'line-style': 'dashed', 'line-color': theme.brand, 'target-arrow-color': theme.brand, opacity: 0.8 }
    },
    {
      selector: '.proposed-remove',
      style: { opacity: 0.35, 'underlay-color': theme.error, 'underlay-opacity': 0.25, 'underlay-padding': 6 }
    },
    {
      selector: '.proposed-change',
      style: { 'underlay-color': theme.brand, 'underlay-opacity': 0.25, 'underlay-padding': 6 }
    },
    // a comparison (compare.ts): added green, changed amber, removed red ghosts
    {
      selector: '.diff-added',
      style: { 'underlay-color': theme.success, 'underlay-opacity': 0.45, 'underlay-padding': 7 }
    },
    {
      selector: '.diff-changed',
      style: { 'underlay-color': theme.warn, 'underlay-opacity': 0.45, 'underlay-padding': 7 }
    },
    // a container's underlay would tint everything inside it: its border says it instead
    {
      selector: 'node.diff-added:parent',
      style: { 'underlay-opacity': 0, 'border-width': 4, 'border-color': theme.success }
    },
    {
      selector: 'node.diff-changed:parent',
      style: { 'underlay-opacity': 0, 'border-width': 4, 'border-color': theme.warn }
    },
    {
      selector: 'node.diff-removed',
      style: { opacity: 0.5, 'border-style': 'dashed', 'border-width': 2, 'border-color': theme.error,
        'underlay-color': theme.error, 'underlay-opacity': 0.3, 'underlay-padding': 7 }
    },
    {
      selector: 'node.diff-removed:parent',
      style: { 'underlay-opacity': 0, 'background-opacity': 0.05 }
    },
    {
      selector: 'edge.diff-removed',
      style: { 'line-style': 'dashed', 'line-color': theme.error, 'target-arrow-color': theme.error, opacity: 0.7 }
    },
    {
      selector: 'edge.diff-added',
      style: { 'line-color': theme.success, 'target-arrow-color': theme.success, width: 3 }
    },
    {
      selector: 'edge.diff-changed',
      style: { 'line-color': theme.warn, 'target-arrow-color': theme.warn, width: 3 }
    },
    // a drift check (drift-marks.ts): drifted double amber border, deleted outside dashed red and faded
    {
      selector: 'node.drift-drifted',
      style: { 'border-width': 5, 'border-style': 'double', 'border-color': theme.warn,
        'underlay-color': theme.warn, 'underlay-opacity': 0.5, 'underlay-padding': 14 }
    },
    {
      selector: 'node.drift-deleted',
      style: { opacity: 0.55, 'border-width': 3, 'border-style': 'dashed', 'border-color': theme.error,
        'underlay-color': theme.error, 'underlay-opacity': 0.4, 'underlay-padding': 14 }
    },
    {
      selector: 'node.ghost',
      style: {
        width: 1,
        height: 1,
        opacity: 0,
        label: '',
        'background-image': 'none',
        events: 'no'
      }
    },
    {
      selector: 'edge.ghost',
      style: {
        width: 2,
        'line-style': 'dashed',
        'line-color': theme.brand,
        'target-arrow-color': theme.brand,
        'curve-style': 'straight',
        label: '',
        events: 'no'
      }
    }
  ];
  return style as cytoscape.StylesheetJson;
}
