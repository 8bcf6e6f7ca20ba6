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
