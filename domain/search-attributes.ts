import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes: an operator finds any flow in the Temporal Web UI by user, message or state. */
export const UserId = defineSearchAttributeKey('UserId', SearchAttributeType.KEYWORD);
export const Stage = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);
export const MessageKeys = defineSearchAttributeKey('MessageKeys', SearchAttributeType.KEYWORD_LIST);
/** The current status of each of the flow's messages: `MessageStatus = 'DEAD'` finds every flow with a dead message. */
export const MessageStatus = defineSearchAttributeKey('MessageStatus', SearchAttributeType.KEYWORD_LIST);
/** The id of the trace the registration started in, set at its start while tracing is on: `TraceId = '…'` finds it. */
export const TraceId = defineSearchAttributeKey('TraceId', SearchAttributeType.KEYWORD);

/** The names and types as `temporal server start-dev --search-attribute` and the operator API want them. */
export const searchAttributeTypes: Record<string, 'Keyword' | 'KeywordList'> = Object.fromEntries(
  [UserId, Stage, MessageKeys, MessageStatus, TraceId].map((key) => [
    key.name,
    key.type === SearchAttributeType.KEYWORD ? 'Keyword' : 'KeywordList',
  ]),
);
