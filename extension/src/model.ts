/**
 * The document model JupyterLab's context holds for a design: a thin shell
 * around the shared `YInfra` (the one source of truth), in the pattern of
 * jupyterlab-chat's model.  Without jupyter-collaboration the context loads
 * and saves the file through `fromString`/`toString`.
 */

import { IChangedArgs } from '@jupyterlab/coreutils';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { PartialJSONValue } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import { IInfraChanges, YInfra } from './yinfra';

export class InfraModel implements DocumentRegistry.IModel {
  constructor(options: DocumentRegistry.IModelOptions<YInfra> = {}) {
    this.collaborative = options.collaborationEnabled ?? false;
    this.sharedModel = options.sharedModel ?? YInfra.create();
    this.sharedModel.changed.connect(this._onChange, this);
    // Autosave in a room runs only while some client's awareness allows it
    // (jupyter-collaboration reads `autosave`); say so explicitly.
    this.sharedModel.awareness.setLocalStateField('autosave', true);
  }

  readonly sharedModel: YInfra;
  readonly collaborative: boolean;
  readonly defaultKernelName = '';
  readonly defaultKernelLanguage = '';

  get contentChanged(): ISignal<this, void> {
    return this._contentChanged;
  }

  get stateChanged(): ISignal<this, IChangedArgs<any>> {
    return this._stateChanged;
  }

  /**
   * Unsaved changes, as the shared document's `state` says (JupyterLab's own rule): an edit
   * made here marks it, the room's save clears it for every collaborator.  Opening a design,
   * or receiving a collaborator's edit, is no unsaved change of this user's.
   */
  get dirty(): boolean {
    return this.sharedModel.dirty;
  }
  set dirty(value: boolean) {
    if (value !== this.sharedModel.dirty) {
      this.sharedModel.dirty = value;
    }
  }

  get readOnly(): boolean {
    return this._readOnly;
  }
  set readOnly(value: boolean) {
    this._readOnly = value;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  toString(): string {
    return this.sharedModel.getSource();
  }

  fromString(value: string): void {
    this.sharedModel.setSource(value);
    this.dirty = false; // what was just read is what the file holds
  }

  toJSON(): PartialJSONValue {
    return this.sharedModel.toJSON() as any;
  }

  fromJSON(value: PartialJSONValue): void {
    this.sharedModel.setSource(value);
    this.dirty = false;
  }

  initialize(): void {
    // The shared model carries the content; nothing to prime.
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.sharedModel.changed.disconnect(this._onChange, this);
    Signal.clearData(this);
  }

  private _onChange(_: YInfra, changes: IInfraChanges): void {
    if (
      changes.metaChanged ||
      changes.resourcesChanged ||
      changes.connectionsChanged ||
      changes.chatChanged ||
      changes.deploymentsChanged
    ) {
      if (changes.local) {
        this.dirty = true;
      }
      this._contentChanged.emit();
    }
    for (const change of changes.stateChange ?? []) {
      if (change.name === 'dirty' && change.oldValue !== change.newValue) {
        this._stateChanged.emit({
          name: 'dirty',
          oldValue: change.oldValue === true,
          newValue: change.newValue === true
        });
      }
    }
  }

  private _readOnly = false;
  private _isDisposed = false;
  private _contentChanged = new Signal<this, void>(this);
  private _stateChanged = new Signal<this, IChangedArgs<any>>(this);
}

/** Makes `InfraModel`s for the `infra` content type. */
export class InfraModelFactory
  implements DocumentRegistry.IModelFactory<InfraModel, YInfra>
{
  readonly name = 'infra';
  readonly contentType = 'infra' as any;
  readonly fileFormat = 'text' as const;
  readonly collaborative = true;

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    this._disposed = true;
  }

  preferredLanguage(): string {
    return '';
  }

  createNew(options: DocumentRegistry.IModelOptions<YInfra> = {}): InfraModel {
    return new InfraModel(options);
  }

  private _disposed = false;
}
