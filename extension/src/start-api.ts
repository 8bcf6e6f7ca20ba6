/**
 * The REST calls a new design starts from: the template gallery and import
 * (`/isshoni/api/templates...`, `/isshoni/api/import`).
 */

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { ApiError, request } from './api';
import { IDesign } from './types';

export interface ITemplateInfo {
  name: string;
  /** What the gallery calls it (the name is the file's). */
  title: string;
  description: string;
  resources: number;
  connections: number;
}

export async function templateList(): Promise<ITemplateInfo[]> {
  return (await request<{ templates: ITemplateInfo[] }>('templates')).templates;
}

export function templateDesign(name: string): Promise<IDesign> {
  return request<IDesign>(`templates/${encodeURIComponent(name)}`);
}

/** A template's diagram as an object URL for an <img> (fetched with Jupyter's credentials). */
export async function templatePreview(name: string): Promise<string> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'isshoni', 'api', 'templates', encodeURIComponent(name), 'preview.svg');
  const response = await ServerConnection.makeRequest(url, {}, settings);
  if (!response.ok) {
    throw new ApiError(`no preview of ${name} (${response.status})`, response.status);
  }
  return URL.createObjectURL(await response.blob());
}

export interface IImportReport {
  summary?: string;
  [key: string]: any;
}

/**
 * Import a CloudFormation/SAM template, Terraform, a plan's JSON or a Mermaid flowchart
 * (the server detects which) into a design; with `output`, the server writes it there.
 */
export async function importText(
  text: string,
  options: { output?: string; name?: string; overwrite?: boolean } = {}
): Promise<{ design?: IDesign; path?: string; report: IImportReport }> {
  return request('import', { method: 'POST', body: JSON.stringify({ text, ...options }) });
}
