/**
 * What this user may do with the design, as the server says (`GET /isshoni/api/me`): a viewer
 * reads everything (design, code, findings, chat, deploy progress) but edits nothing.  The
 * context carries it (`ctx.readOnly`, refused again in `YInfra.transact`); the palette, the
 * canvas, the inspector and the chat follow `ctx.accessChanged`; this banner says why.
 */

import { Widget } from '@lumino/widgets';

import { DesignContext } from '../context';
import { me } from './deploy/api';

/** Ask the server once; a viewer's context becomes read-only (an error leaves editing as it is:
 * the server still refuses what this user may not do). */
export async function loadAccess(ctx: DesignContext): Promise<void> {
  try {
    const who = await me();
    if (who.can_edit === false) {
      const role = who.role ? `you are a ${who.role} on this server` : 'this server lets you read only';
      ctx.setReadOnly(`${role}${who.role_from ? ` (${who.role_from})` : ''}; editing needs the editor role`);
    }
  } catch (error) {
    console.warn('isshoni: could not ask the server what this user may do', error);
  }
}

export class ReadOnlyBanner extends Widget {
  constructor(private _ctx: DesignContext) {
    super();
    this.addClass('isshoni-ReadOnlyBanner');
    this.node.setAttribute('role', 'status');
    _ctx.accessChanged.connect(this._update, this);
    this._update();
  }

  dispose(): void {
    this._ctx.accessChanged.disconnect(this._update, this);
    super.dispose();
  }

  private _update(): void {
    const why = this._ctx.readOnly;
    this.node.textContent = why ? `Read-only: ${why}.` : '';
    this.node.title = why ? 'You can read the design, its code, findings, chat and deploy progress.' : '';
    this.setHidden(!why);
  }
}
