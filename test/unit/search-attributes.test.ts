/**
 * The custom search attributes (domain/search-attributes.ts) an operator queries in the Web UI, with
 * the names and types the queries in docs/operations.md and the `temporal operator search-attribute create`
 * commands use.
 */
import { SearchAttributeType } from '@temporalio/common';
import {
  MessageKeys,
  MessageStatus,
  searchAttributeTypes,
  Stage,
  TraceId,
  UserId,
} from '../../domain/search-attributes';

describe('search attributes', () => {
  it('are UserId, Stage and TraceId (Keyword), MessageKeys and MessageStatus (KeywordList)', () => {
    expect(searchAttributeTypes).toEqual({
      UserId: 'Keyword',
      Stage: 'Keyword',
      MessageKeys: 'KeywordList',
      MessageStatus: 'KeywordList',
      TraceId: 'Keyword',
    });
  });

  it('are declared to the SDK with the same types', () => {
    expect([UserId, Stage, MessageKeys, MessageStatus, TraceId].map((k) => [k.name, k.type])).toEqual([
      ['UserId', SearchAttributeType.KEYWORD],
      ['Stage', SearchAttributeType.KEYWORD],
      ['MessageKeys', SearchAttributeType.KEYWORD_LIST],
      ['MessageStatus', SearchAttributeType.KEYWORD_LIST],
      ['TraceId', SearchAttributeType.KEYWORD],
    ]);
  });
});
