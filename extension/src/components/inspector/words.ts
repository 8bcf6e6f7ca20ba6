/** Words the inspector shows: catalog names and meanings of links, error messages. */

import { DesignContext } from '../../context';
import { ICatalogLink } from '../../types';

/** The link of the catalog that a connection from `source` to `target` follows. */
export function linkFor(
  ctx: DesignContext,
  sourceType: string | undefined,
  targetType: string | undefined
): ICatalogLink | undefined {
  if (!sourceType || !targetType) {
    return undefined;
  }
  return ctx.catalog
    .get(sourceType)
    ?.links.find(link => link.targets.includes(targetType));
}

/** The catalog name of a type (the type itself when unknown). */
export function typeLabel(ctx: DesignContext, type: string): string {
  return ctx.catalog.get(type)?.label ?? type;
}

/** The message of an error, whatever was thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Short words catalog keys use that read as capitals. */
const ACRONYMS = new Set([
  'acm', 'alb', 'ami', 'api', 'arn', 'az', 'azs', 'cidr', 'cpu', 'dns', 'ebs', 'ec2', 'ecr', 'ecs',
  'iam', 'id', 'ids', 'ip', 'ipv4', 'ipv6', 'json', 'kms', 'nat', 'sns', 'sqs', 'ssl', 'tls', 'ttl',
  'uri', 'url', 'vpc', 'waf', 'http', 'https'
]);

/** `log_retention_days` -> "Log retention days" (`vpc_cidr` -> "VPC CIDR"): a property key as a label. */
export function humanise(key: string): string {
  const words = key.split(/[_\s]+/).filter(Boolean);
  return words
    .map((word, i) => {
      const lower = word.toLowerCase();
      if (ACRONYMS.has(lower)) {
        return lower === 'ids' || lower === 'azs' ? `${lower.slice(0, -1).toUpperCase()}s` : lower.toUpperCase();
      }
      return i === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
    })
    .join(' ');
}

/** The label of a property: the catalog schema's `title` when it has one, else its key made readable. */
export function propertyTitle(key: string, schema: { title?: unknown } | undefined): string {
  return typeof schema?.title === 'string' && schema.title.trim() ? schema.title : humanise(key);
}
