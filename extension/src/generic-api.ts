/**
 * The CloudFormation registry over REST (`/isshoni/api/cfn-types`): the
 * palette's search and the inspector's view of a generic resource's type.
 */

import { request } from './api';
import { GENERIC_PREFIX } from './generic';

export interface ICfnTypeMatch {
  type: string;
  cfn_type: string;
  label: string;
  description: string;
  terraform: string | null;
}

export interface ICfnType extends ICfnTypeMatch {
  region: string;
  schema: Record<string, any>;
  required: string[];
  read_only: string[];
  attributes: string[];
  primary_identifier: string[];
}

export async function searchCfnTypes(
  query: string,
  region: string,
  limit = 30
): Promise<{ types: ICfnTypeMatch[]; total: number }> {
  const params = new URLSearchParams({ q: query, region, limit: String(limit) });
  return request(`cfn-types?${params}`);
}

const described = new Map<string, Promise<ICfnType>>();

/** A registry type's schema, attributes and counterpart (fetched once per type and region). */
export function describeCfnType(type: string, region: string): Promise<ICfnType> {
  const key = `${region} ${type}`;
  let found = described.get(key);
  if (!found) {
    const name = encodeURIComponent(type.slice(GENERIC_PREFIX.length)).replace(/%3A/g, ':');
    found = request<ICfnType>(`cfn-types/${name}?${new URLSearchParams({ region })}`);
    found.catch(() => described.delete(key));
    described.set(key, found);
  }
  return found;
}
