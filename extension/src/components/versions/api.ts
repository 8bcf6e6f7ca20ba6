/** The compare endpoint of the server extension (server/versioning.py). */

import { designUrl, post, request } from '../../api';
import { IComparison } from '../../context';

/** What changed from `against` (HEAD, deploy, version:NAME) to the live design, with the code diff in `format`. */
export function compare(path: string, against: string, format: string): Promise<IComparison> {
  return request<IComparison>(designUrl(path, 'compare'), post({ against, format }));
}
