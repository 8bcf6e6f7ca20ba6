/** The deploy endpoints of the server extension (server/deploying.py). */

import { designUrl, post, request } from '../../api';
import { IDriftReport } from '../../drift';
import { IJobRecord } from './records';

export interface IMe {
  name: string;
  can_deploy: boolean;
  /** viewer, editor or deployer (null under an authorizer without roles) */
  role?: string | null;
  role_from?: string;
  can_edit?: boolean;
  targets: string[];
  engines: string[];
  canary_steps: number[];
}

export interface IChange {
  action: string;
  resource: string;
  node: string | null;
  type: string;
  replacement?: string | null;
}

export interface IPreview {
  supported: boolean;
  why?: string;
  target: string;
  engine: string;
  changes?: IChange[];
  diff?: string;
  notes?: string[];
  seconds?: number;
}

let meCache: Promise<IMe> | null = null;

/** The signed-in user's permissions, asked once per page. */
export function me(): Promise<IMe> {
  meCache ??= request<IMe>('me').catch(error => {
    meCache = null;
    throw error;
  });
  return meCache;
}

export function preview(path: string, target: string, engine: string): Promise<IPreview> {
  return request(designUrl(path, 'deploy/preview'), post({ target, engine }));
}

/** Does what runs still match the design?  Reads the deployment; changes nothing. */
export function drift(path: string, target: string): Promise<IDriftReport> {
  return request(designUrl(path, 'drift'), post({ target }));
}

async function start(path: string, what: string, body: Record<string, unknown>): Promise<IJobRecord> {
  return (await request<{ job: IJobRecord }>(designUrl(path, what), post(body))).job;
}

export const deploy = (path: string, target: string, engine: string) => start(path, 'deploy', { target, engine });
export const destroy = (path: string, target: string, confirm: string) => start(path, 'destroy', { target, confirm });
export const rollback = (path: string, target: string) => start(path, 'rollback', { target });
export const canaryStep = (path: string, target: string, green: number) => start(path, 'canary', { target, green });
export const canaryWalk = (path: string, target: string, acceptUnchecked: boolean) =>
  start(path, 'canary', { target, auto: true, accept_unchecked: acceptUnchecked });
