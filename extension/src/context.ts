/**
 * What every part of the design widget shares: the live document (the one
 * source of truth), the catalog, the local selection, the user, the latest
 * findings.  Parts never keep their own copy of the design: they read the
 * `YInfra` and redraw on its `changed` signal.
 */

import { User } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { IDriftNode, IDriftReport, withoutNode } from './drift';
import { Catalog } from './generic';
import { ICatalogType, IFinding } from './types';
import { YInfra } from './yinfra';

export class DesignContext {
  constructor(options: DesignContext.IOptions) {
    this.doc = options.doc;
    this.catalog = new Catalog(options.catalog.map(t => [t.type, t]));
    this._path = options.path;
    this.user = options.user;
  }

  readonly doc: YInfra;
  /** The catalog; a generic type (`cfn:<type>`) gets its generic entry. */
  readonly catalog: Catalog;
  readonly user: User.IIdentity;

  /** The design's path relative to the server root (follows renames). */
  get path(): string {
    return this._path();
  }

  // ------------------------------------------------------------ selection
  get selection(): string[] {
    return this._selection;
  }

  get selectionChanged(): ISignal<this, string[]> {
    return this._selectionChanged;
  }

  select(ids: string[]): void {
    const next = [...new Set(ids)];
    if (next.join('\n') !== this._selection.join('\n')) {
      this._selection = next;
      this._selectionChanged.emit(next);
    }
  }

  /** Select `id` and ask the canvas to bring it into view at a readable zoom (a finding's node). */
  focus(id: string): void {
    this.select([id]);
    this._focusRequested.emit(id);
  }

  get focusRequested(): ISignal<this, string> {
    return this._focusRequested;
  }

  // ------------------------------------------------------------ access
  /** Why this user may only read the design (their role on the server), or null when they edit. */
  get readOnly(): string | null {
    return this.doc.readOnly;
  }

  get accessChanged(): ISignal<this, string | null> {
    return this._accessChanged;
  }

  /** What the server says this user may do (`GET /isshoni/api/me`): parts follow `accessChanged`. */
  setReadOnly(why: string | null): void {
    if (why !== this.doc.readOnly) {
      this.doc.readOnly = why;
      this._accessChanged.emit(why);
    }
  }

  // ------------------------------------------------------------ comparison
  /** What the live design is being compared with (a version, the last deploy, git HEAD), or null. */
  get comparison(): IComparison | null {
    return this._comparison;
  }

  get comparisonChanged(): ISignal<this, IComparison | null> {
    return this._comparisonChanged;
  }

  setComparison(comparison: IComparison | null): void {
    this._comparison = comparison;
    this._comparisonChanged.emit(comparison);
  }

  /** How a node or connection differs from the compared side: 'added', 'removed', 'changed' (with
   * its changed values), or null. */
  difference(id: string): IItemDiff | null {
    const diff = this._comparison?.diff;
    return diff ? ([...diff.resources, ...diff.connections].find(item => item.id === id) ?? null) : null;
  }

  // ------------------------------------------------------------ cost
  /** The live design's monthly estimate (`GET .../cost`, asked by the canvas's cost badges), or null. */
  get cost(): ICostEstimate | null {
    return this._cost;
  }

  get costChanged(): ISignal<this, ICostEstimate | null> {
    return this._costChanged;
  }

  setCost(estimate: ICostEstimate | null): void {
    this._cost = estimate;
    this._costChanged.emit(estimate);
  }

  // ------------------------------------------------------------ drift
  /** The last drift check of the deployment (what runs vs the design), or null. */
  get drift(): IDriftReport | null {
    return this._drift;
  }

  get driftChanged(): ISignal<this, IDriftReport | null> {
    return this._driftChanged;
  }

  setDrift(report: IDriftReport | null): void {
    this._drift = report;
    this._driftChanged.emit(report);
  }

  /** A node's drift (drifted or deleted outside), or null. */
  driftOf(id: string): IDriftNode | null {
    const node = this._drift?.nodes[id];
    return node && (node.status === 'drifted' || node.status === 'deleted') ? node : null;
  }

  /** A node's live values were adopted into the design: it no longer differs there. */
  adopted(id: string): void {
    if (this._drift) {
      this.setDrift(withoutNode(this._drift, id));
    }
  }

  // ------------------------------------------------------------ findings
  get findings(): IFinding[] {
    return this._findings;
  }

  get findingsChanged(): ISignal<this, IFinding[]> {
    return this._findingsChanged;
  }

  setFindings(findings: IFinding[]): void {
    this._findings = findings;
    this._findingsChanged.emit(findings);
  }

  /** Findings per design id (a resource or a connection). */
  findingsFor(id: string): IFinding[] {
    return this._findings.filter(f => f.resource === id);
  }

  /** The author name chat messages and presence show for this user. */
  get displayName(): string {
    return this.user.display_name || this.user.name || this.user.username;
  }

  private _path: () => string;
  private _selection: string[] = [];
  private _selectionChanged = new Signal<this, string[]>(this);
  private _focusRequested = new Signal<this, string>(this);
  private _accessChanged = new Signal<this, string | null>(this);
  private _comparison: IComparison | null = null;
  private _comparisonChanged = new Signal<this, IComparison | null>(this);
  private _cost: ICostEstimate | null = null;
  private _costChanged = new Signal<this, ICostEstimate | null>(this);
  private _drift: IDriftReport | null = null;
  private _driftChanged = new Signal<this, IDriftReport | null>(this);
  private _findings: IFinding[] = [];
  private _findingsChanged = new Signal<this, IFinding[]>(this);
}

/** One changed value inside a changed item: a JSON Pointer path, the old and the new value. */
export interface IValueChange {
  path: string;
  old?: any;
  new?: any;
}

/** A node or connection that differs (design/diff.py's JSON). */
export interface IItemDiff {
  kind: 'added' | 'removed' | 'changed';
  id: string;
  summary: string;
  changes: IValueChange[];
}

/** One node's estimate (isshoni/cost): priced with its monthly figure, free, or not priced and why. */
export interface ICostNode {
  type?: string;
  status: 'priced' | 'free' | 'not priced';
  monthly: number;
  why?: string;
}

/** `GET /cost`'s answer: the total, the counts, the breakdown by service, per node. */
export interface ICostEstimate {
  region: string;
  currency: string;
  source: string;
  as_of: string;
  monthly_total: number;
  counts: Record<'priced' | 'free' | 'not priced', number>;
  by_service: Record<string, number>;
  nodes: Record<string, ICostNode>;
}

/** What a change does to the monthly estimate (cost/change.py): totals, the change, per node. */
export interface ICostChange {
  currency: string;
  before: number;
  after: number;
  change: number;
  nodes: Record<string, number>;
  not_priced: { before: number; after: number };
}

/** `POST /compare`'s answer: the other side's content, isshoni diff's JSON, the code diff. */
export interface IComparison {
  against: string;
  label: string;
  same: boolean;
  design: { meta: any; resources: Record<string, any>; connections: Record<string, any> };
  diff: {
    counts: Record<string, number>;
    resources: IItemDiff[];
    connections: IItemDiff[];
    settings: IValueChange[];
    moved: string[];
    cost?: ICostChange;
  };
  code?: string;
}

export namespace DesignContext {
  export interface IOptions {
    doc: YInfra;
    catalog: ICatalogType[];
    path: () => string;
    user: User.IIdentity;
  }
}
