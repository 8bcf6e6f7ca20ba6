/**
 * The REST client for the server extension (`/isshoni/api/...`).  Requests go
 * through JupyterLab's ServerConnection, so the token, XSRF cookie and base
 * URL are Jupyter's own.
 */

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { ICatalogType, IFinding } from './types';

/** An API error with the server's message (and the design problems when there are any). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problems: { path: string; message: string; resource?: string }[] = []
  ) {
    super(message);
  }
}

export async function request<T = any>(
  endpoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, 'isshoni', 'api', endpoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ApiError(`The server cannot be reached: ${error}`, 0);
  }
  const text = await response.text();
  let body: any = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { message: text };
    }
  }
  if (!response.ok) {
    throw new ApiError(
      body?.message ?? response.statusText,
      response.status,
      body?.problems ?? []
    );
  }
  return body as T;
}

export function designUrl(path: string, what: string): string {
  return ['designs', ...path.split('/').map(encodeURIComponent), what].join(
    '/'
  );
}

export function post(body: any): RequestInit {
  return { method: 'POST', body: JSON.stringify(body) };
}

let catalogCache: Promise<ICatalogType[]> | null = null;

/** The catalog, fetched once per page. */
export function catalog(): Promise<ICatalogType[]> {
  if (!catalogCache) {
    catalogCache = request<{ types: ICatalogType[] }>('catalog')
      .then(r => r.types)
      .catch(error => {
        catalogCache = null;
        throw error;
      });
  }
  return catalogCache;
}

/** Apply design ops through the server (validated there, all or nothing); the live document follows. */
export async function editDesign(path: string, ops: Record<string, any>[]): Promise<void> {
  await request(designUrl(path, 'canvas'), post({ ops }));
}

/** The generated files and, per file, the lines each design id produced. */
export interface IGenerated {
  files: Record<string, string>;
  ranges: Record<string, Record<string, [number, number][]>>;
}

export async function generate(path: string, format: string): Promise<IGenerated> {
  const r = await request<Partial<IGenerated>>(designUrl(path, 'generate'), post({ format }));
  return { files: r.files ?? {}, ranges: r.ranges ?? {} };
}

export async function check(
  path: string,
  only?: string[]
): Promise<{ ok: boolean; findings: IFinding[] }> {
  return request(designUrl(path, 'check'), post(only ? { only } : {}));
}

/** Revert the assistant's latest answer (all its edits in one step). */
export async function undoAssistant(
  path: string,
  message: string
): Promise<{ undone: string }> {
  return request(designUrl(path, 'assistant/undo'), post({ message }));
}

/** Apply or discard a suggest-mode answer's proposed change. */
export async function resolveProposal(
  path: string,
  message: string,
  action: 'apply' | 'discard'
): Promise<any> {
  return request(designUrl(path, 'assistant/proposal'), post({ message, action }));
}

/** Stop the answer the assistant is writing on this design. */
export async function stopAssistant(path: string): Promise<{ stopping: boolean }> {
  return request(designUrl(path, 'assistant/stop'), post({}));
}

/** Whether a design file is a design, and the store's last good version when it is not. */
export interface IFileState {
  file: { valid: boolean; message?: string; line?: number | null; column?: number | null };
  design: { resources?: Record<string, any>; chat?: any[] } | null;
}

export async function fileState(path: string): Promise<IFileState> {
  return request(designUrl(path, 'recovery'));
}

/** Write the store's last good version over a design file that is no design. */
export async function restoreDesign(path: string): Promise<any> {
  return request(designUrl(path, 'recovery'), post({}));
}
