/**
 * The shapes of a design (`.infra.json`) and of the catalog, as the server's
 * Python model defines them (kernels_helpers/isshoni/design/design.schema.json).
 */

export interface IPosition {
  x: number;
  y: number;
}

export interface IResource {
  type: string;
  label: string;
  properties: Record<string, any>;
  parent: string | null;
  position: IPosition;
  notes: string;
}

export interface IConnection {
  source: string;
  target: string;
  label?: string;
  properties: Record<string, any>;
}

export interface IChatMessage {
  id: string;
  author: string;
  text: string;
  time: number;
  [key: string]: any;
}

export interface IMeta {
  name: string;
  region: string;
  description: string;
  notes: string;
  /** A sandbox or demo: nothing is retained or protected when it is deleted. */
  ephemeral?: boolean;
  [key: string]: any;
}

export interface IDesign {
  version: number;
  meta: IMeta;
  resources: Record<string, IResource>;
  connections: Record<string, IConnection>;
  chat: IChatMessage[];
  deployments: Record<string, any>;
}

/** One kind of connection a type may start (catalog `links`). */
export interface ICatalogLink {
  meaning: string;
  targets: string[];
  properties: Record<string, any>;
}

/** A catalog entry, as `GET /isshoni/api/catalog` lists it. */
export interface ICatalogType {
  type: string;
  category: string;
  icon: string;
  label: string;
  description: string;
  properties: Record<string, any>;
  containers: string[];
  is_container: boolean;
  needs_container: boolean;
  /** It spreads over its subnet and the same-tier subnets beside it (one per AZ). */
  spans_subnets?: boolean;
  links: ICatalogLink[];
  cloudformation: string[];
  terraform: string[];
}

/** A finding from `POST .../check`. */
export interface IFinding {
  tool: string;
  rule: string;
  severity: string;
  message: string;
  resource: string | null;
  [key: string]: any;
}
