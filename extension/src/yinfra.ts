/**
 * The design as a collaborative Yjs document (`infra`), the TypeScript twin of
 * `isshoni/yinfra.py`: the same roots with the same kinds (meta Map,
 * resources and connections Maps of Maps each with a nested `properties` Map,
 * chat Array of pages (ychat.ts), deployments Map), and the design model's operations name for
 * name (add, connect, set, setLabel, setNotes, setMeta, move, moveInto,
 * remove, addMessage).  Every local edit is a transaction with this document
 * as origin, so `Y.UndoManager` undoes only this user's changes.
 */

import { DocumentChange, YDocument } from '@jupyter/ydoc';
import * as Y from 'yjs';

import { genericLabel, idBase, isGeneric } from './generic';
import * as ychat from './ychat';
import { canonical, itemMap, NESTED, plain } from './yitems';

export { canonical };
import * as yversions from './yversions';
import {
  IChatMessage,
  IConnection,
  IDesign,
  IMeta,
  IPosition,
  IResource
} from './types';

/** What changed, per root (the widget redraws only what it must). */
export interface IInfraChanges extends DocumentChange {
  metaChanged?: boolean;
  resourcesChanged?: string[];
  connectionsChanged?: string[];
  chatChanged?: boolean;
  versionsChanged?: boolean;
  deploymentsChanged?: boolean;
  /** Made by this client (an edit here), not received from a collaborator or the server. */
  local?: boolean;
}

const ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export class YInfra extends YDocument<IInfraChanges> {
  /** Why this user may not edit (a viewer on this server), or null.  Every local edit is a
   * transaction, so it is refused here, before it could change this copy: the server drops a
   * viewer's updates anyway, and a change only this copy had would mislead its reader. */
  readOnly: string | null = null;

  transact(f: () => void, undoable = true, origin: any = null): void {
    if (this.readOnly !== null) {
      throw new Error(`read-only: ${this.readOnly}`);
    }
    super.transact(f, undoable, origin);
  }

  constructor(options?: YDocument.IOptions) {
    super(options);
    this._meta = this.ydoc.getMap('meta');
    this._resources = this.ydoc.getMap('resources');
    this._connections = this.ydoc.getMap('connections');
    this._chat = this.ydoc.getArray('chat');
    this._deployments = this.ydoc.getMap('deployments');
    // not in the undo scope: versions are history, append-only (undoing a name would delete it)
    this._versions = this.ydoc.getMap('versions');
    for (const root of [
      this._meta,
      this._resources,
      this._connections,
      this._chat,
      this._deployments
    ]) {
      this.undoManager.addToScope(root);
    }
    this._meta.observe(this._onMeta);
    this._resources.observeDeep(this._onResources);
    this._connections.observeDeep(this._onConnections);
    this._chat.observeDeep(this._onChat);
    this._deployments.observeDeep(this._onDeployments);
    this._versions.observe(this._onVersions);
  }

  readonly version: string = '1.0.0';

  static create(options?: YDocument.IOptions): YInfra {
    return new YInfra(options);
  }

  // ---------------------------------------------------------------- reading
  get meta(): IMeta {
    return plain(this._meta) as IMeta;
  }

  get resources(): Record<string, IResource> {
    return plain(this._resources);
  }

  get connections(): Record<string, IConnection> {
    return plain(this._connections);
  }

  get chat(): IChatMessage[] {
    return ychat.messages(this._chat);
  }

  /** How many messages the chat has (the page lengths, not the messages). */
  get chatCount(): number {
    return ychat.count(this._chat);
  }

  /** The chat's length and its messages from index `first` on (the newest, without the rest). */
  chatSince(
    first: number | ((total: number) => number)
  ): { total: number; messages: IChatMessage[] } {
    return ychat.since(this._chat, first);
  }

  get deployments(): Record<string, any> {
    return plain(this._deployments);
  }

  resource(id: string): IResource | undefined {
    const item = this._resources.get(id);
    return item ? (plain(item) as IResource) : undefined;
  }

  connection(id: string): IConnection | undefined {
    const item = this._connections.get(id);
    return item ? (plain(item) as IConnection) : undefined;
  }

  toJSON(): IDesign {
    const meta = this.meta;
    return {
      version: 1,
      meta: Object.keys(meta).length
        ? meta
        : { name: 'design', region: 'us-east-1', description: '', notes: '' },
      resources: this.resources,
      connections: this.connections,
      chat: this.chat,
      deployments: this.deployments
    };
  }

  getSource(): string {
    return canonical(this.toJSON());
  }

  setSource(value: string | any): void {
    const data: Partial<IDesign> =
      typeof value === 'string'
        ? value.trim()
          ? JSON.parse(value)
          : {}
        : (value ?? {});
    this.transact(() => {
      this._meta.clear();
      for (const [k, v] of Object.entries(data.meta ?? {})) {
        this._meta.set(k, v);
      }
      this._resources.clear();
      for (const [k, v] of Object.entries(data.resources ?? {}).sort()) {
        this._resources.set(k, itemMap(v));
      }
      this._connections.clear();
      for (const [k, v] of Object.entries(data.connections ?? {}).sort()) {
        this._connections.set(k, itemMap(v));
      }
      ychat.write(this._chat, data.chat ?? []);
      this._deployments.clear();
      for (const [k, v] of Object.entries(data.deployments ?? {})) {
        this._deployments.set(k, v);
      }
    });
  }

  // ---------------------------------------------------------------- operations
  /** A fresh id from a base, as `Design._new_id` makes them. */
  newId(base: string): string {
    let clean = base.replace(/[^A-Za-z0-9_-]/g, '_') || 'r';
    if (!/^[A-Za-z]/.test(clean)) {
      clean = 'r' + clean;
    }
    clean = clean.slice(0, 60);
    const used = (id: string) =>
      this._resources.has(id) || this._connections.has(id);
    if (!used(clean)) {
      return clean;
    }
    let n = 2;
    while (used(`${clean}${n}`)) {
      n++;
    }
    return `${clean}${n}`;
  }

  private _checkId(id: string): void {
    if (!ID.test(id)) {
      throw new Error(
        `ids start with a letter and use letters, digits, '_' or '-' (max 64): ${id}`
      );
    }
    if (this._resources.has(id) || this._connections.has(id)) {
      throw new Error(`id '${id}' is already used`);
    }
  }

  add(
    type: string,
    options: {
      id?: string;
      label?: string;
      properties?: Record<string, any>;
      parent?: string | null;
      position?: IPosition;
      notes?: string;
    } = {}
  ): string {
    const id = options.id ?? this.newId(idBase(type));
    this._checkId(id);
    if (options.parent && !this._resources.has(options.parent)) {
      throw new Error(`no container '${options.parent}'`);
    }
    this.transact(() => {
      this._resources.set(
        id,
        itemMap({
          type,
          label: options.label ?? (isGeneric(type) ? genericLabel(type) : type),
          properties: options.properties ?? {},
          parent: options.parent ?? null,
          position: options.position ?? { x: 0, y: 0 },
          notes: options.notes ?? ''
        })
      );
    });
    return id;
  }

  connect(
    source: string,
    target: string,
    options: { id?: string; properties?: Record<string, any>; label?: string } = {}
  ): string {
    for (const end of [source, target]) {
      if (!this._resources.has(end)) {
        throw new Error(`no resource '${end}'`);
      }
    }
    const id = options.id ?? this.newId(`${source}_to_${target}`);
    this._checkId(id);
    const item: Record<string, any> = {
      source,
      target,
      properties: options.properties ?? {}
    };
    if (options.label) {
      item.label = options.label;
    }
    this.transact(() => {
      this._connections.set(id, itemMap(item));
    });
    return id;
  }

  /** Set properties of a resource or connection; `null`/`undefined` removes one. */
  set(id: string, values: Record<string, any>): void {
    const item = this._item(id);
    const props = item.get(NESTED) as Y.Map<any>;
    this.transact(() => {
      for (const [key, value] of Object.entries(values)) {
        if (value === null || value === undefined) {
          props.delete(key);
        } else if (JSON.stringify(props.get(key)) !== JSON.stringify(value)) {
          props.set(key, value);
        }
      }
    });
  }

  setLabel(id: string, label: string): void {
    const item = this._item(id);
    this.transact(() => item.set('label', label));
  }

  setNotes(id: string, notes: string): void {
    const item = this._item(id);
    this.transact(() => item.set('notes', notes));
  }

  setMeta(values: Partial<IMeta>): void {
    this.transact(() => {
      for (const [key, value] of Object.entries(values)) {
        this._meta.set(key, value);
      }
    });
  }

  move(id: string, x: number, y: number): void {
    const item = this._item(id);
    this.transact(() =>
      item.set('position', { x: Math.round(x), y: Math.round(y) })
    );
  }

  /** Move several nodes in one undoable step (a dragged selection, a layout). */
  moveMany(positions: Record<string, IPosition>): void {
    this.transact(() => {
      for (const [id, pos] of Object.entries(positions)) {
        const item = this._resources.get(id);
        if (item) {
          item.set('position', { x: Math.round(pos.x), y: Math.round(pos.y) });
        }
      }
    });
  }

  moveInto(id: string, parent: string | null): void {
    const item = this._item(id);
    if (parent !== null) {
      if (!this._resources.has(parent)) {
        throw new Error(`no container '${parent}'`);
      }
      let up: string | null = parent;
      while (up) {
        if (up === id) {
          throw new Error(`'${id}' cannot go inside itself`);
        }
        up = (this._resources.get(up)?.get('parent') as string | null) ?? null;
      }
    }
    this.transact(() => item.set('parent', parent));
  }

  /** Remove a resource (with its connections; children move to its parent) or a connection. */
  remove(id: string): string[] {
    if (this._connections.has(id)) {
      this.transact(() => this._connections.delete(id));
      return [id];
    }
    const item = this._item(id);
    const removed = [id];
    const parent = (item.get('parent') as string | null) ?? null;
    this.transact(() => {
      this._connections.forEach((conn, cid) => {
        if (conn.get('source') === id || conn.get('target') === id) {
          removed.push(cid);
        }
      });
      for (const cid of removed.slice(1)) {
        this._connections.delete(cid);
      }
      this._resources.forEach(child => {
        if (child.get('parent') === id) {
          child.set('parent', parent);
        }
      });
      this._resources.delete(id);
    });
    return removed;
  }

  addMessage(author: string, text: string, extra: Record<string, any> = {}): IChatMessage {
    const message: IChatMessage = {
      id: randomId(),
      author,
      text,
      time: Date.now() / 1000,
      ...extra
    };
    // Chat is not an undoable design edit.
    this.transact(() => ychat.append(this._chat, [message]), false);
    return message;
  }

  private _item(id: string): Y.Map<any> {
    const item = this._resources.get(id) ?? this._connections.get(id);
    if (!item) {
      throw new Error(`no resource or connection '${id}'`);
    }
    return item;
  }

  // ---------------------------------------------------------------- observers
  private _onMeta = (event: Y.YMapEvent<any>): void => {
    this._changed.emit({ metaChanged: true, local: event.transaction.local });
  };

  private _touched(events: Y.YEvent<any>[]): string[] {
    const ids = new Set<string>();
    for (const event of events) {
      if (event.path.length) {
        ids.add(String(event.path[0]));
      } else {
        event.changes.keys.forEach((_, key) => ids.add(key));
      }
    }
    return [...ids];
  }

  private _onResources = (events: Y.YEvent<any>[]): void => {
    this._changed.emit({
      resourcesChanged: this._touched(events),
      local: events[0]?.transaction.local
    });
  };

  private _onConnections = (events: Y.YEvent<any>[]): void => {
    this._changed.emit({
      connectionsChanged: this._touched(events),
      local: events[0]?.transaction.local
    });
  };

  private _onChat = (events: Y.YEvent<any>[]): void => {
    this._changed.emit({
      chatChanged: true,
      local: events[0]?.transaction.local
    });
  };

  private _onDeployments = (events: Y.YEvent<any>[]): void => {
    this._changed.emit({
      deploymentsChanged: true,
      local: events[0]?.transaction.local
    });
  };

  private _meta: Y.Map<any>;
  private _resources: Y.Map<Y.Map<any>>;
  private _connections: Y.Map<Y.Map<any>>;
  private _chat: Y.Array<any>;
  private _deployments: Y.Map<any>;
  private _versions: Y.Map<any>;

  private _onVersions = (event: Y.YMapEvent<any>): void => {
    this._changed.emit({ versionsChanged: true, local: event.transaction.local });
  };

  // ---------------------------------------------------------------- versions
  /** The named versions, oldest first. */
  get versions(): yversions.IVersionSummary[] {
    return yversions.listing(this._versions);
  }

  /** A version's content (meta, resources, connections), or null. */
  versionContent(name: string): yversions.IVersionContent | null {
    return yversions.content(this._versions, name);
  }

  /** Keep the design as it is now as version `name` (signed by the room with the user's name). */
  nameVersion(name: string, note: string, author: string): void {
    const problem = yversions.nameProblem(this._versions, name, note);
    if (problem) {
      throw new Error(problem);
    }
    const version = yversions.snapshot({ meta: this.meta, resources: this.resources, connections: this.connections }, author, note);
    this.transact(() => this._versions.set(name, version), false);
  }

  /** Bring the design back to version `name`: one undoable step (chat, deploy records and versions kept). */
  restoreVersion(name: string): void {
    const target = this.versionContent(name);
    if (!target) {
      throw new Error(`There is no version named “${name}”.`);
    }
    const before = { meta: this.meta, resources: this.resources, connections: this.connections };
    this.undoManager.stopCapturing(); // its own step, never merged with an edit made just before or after
    this.transact(() =>
      yversions.restoreInto({ meta: this._meta, resources: this._resources, connections: this._connections }, before, target)
    );
    this.undoManager.stopCapturing();
  }
}

function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}
