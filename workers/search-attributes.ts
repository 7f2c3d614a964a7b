import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { searchAttributeTypes } from '../domain/search-attributes';
import { logger } from '../infra/logger';

const indexedValueType = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KeywordList: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Adds the named custom search attributes (all of them by default) to the namespace. */
export async function addSearchAttributes(
  connection: Pick<Connection, 'operatorService'>,
  namespace: string,
  names = Object.keys(searchAttributeTypes),
): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(names.map((name) => [name, indexedValueType[searchAttributeTypes[name]]])),
  });
}

/**
 * Registers the flows' custom search attributes on a server that lacks them (the local dev server
 * gets them at start). Where the worker may not register them (Temporal Cloud), it says so and goes on.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.keys(searchAttributeTypes).filter((name) => !(name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  try {
    await addSearchAttributes(connection, namespace, missing);
  } catch (err) {
    logger.warn(
      { err, missing },
      'could not register search attributes; register them with `temporal operator search-attribute create`',
    );
  }
}
