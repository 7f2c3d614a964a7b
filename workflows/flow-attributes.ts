import { TypedSearchAttributes, type SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes } from '@temporalio/workflow';
import { MessageKeys, MessageStatus, Stage, UserId } from '../domain/search-attributes';

/** What a registration carries from its start, before its first step: found in the Web UI while it saves the user. */
export const registeringSearchAttributes = new TypedSearchAttributes([{ key: Stage, value: 'REGISTERING' }]);

/**
 * Keeps the flow's search attributes current, so the Web UI finds it by user, message or state.
 * Each update is one history event, so a step reports everything it changed in one call.
 */
export class FlowAttributes {
  private readonly statuses = new Map<string, string>();
  private announced = false;

  constructor(private readonly userId: string) {}

  update(change: { stage?: string; messages?: Record<string, string> }): void {
    const pairs: SearchAttributeUpdatePair[] = [];
    if (!this.announced) {
      pairs.push({ key: UserId, value: this.userId });
      this.announced = true;
    }
    if (change.stage) pairs.push({ key: Stage, value: change.stage });
    if (change.messages) {
      for (const [key, status] of Object.entries(change.messages)) this.statuses.set(key, status);
      pairs.push(
        { key: MessageKeys, value: [...this.statuses.keys()] },
        { key: MessageStatus, value: [...new Set(this.statuses.values())] },
      );
    }
    upsertSearchAttributes(pairs);
  }
}
