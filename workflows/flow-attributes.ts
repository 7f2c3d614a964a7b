import { upsertSearchAttributes } from '@temporalio/workflow';
import { MessageKeys, MessageStatus, Stage, UserId } from '../domain/search-attributes';

/** Keeps the flow's search attributes current, so the Web UI finds it by user, message or state. */
export class FlowAttributes {
  private readonly statuses = new Map<string, string>();

  constructor(userId: string, stage: string) {
    upsertSearchAttributes([
      { key: UserId, value: userId },
      { key: Stage, value: stage },
    ]);
  }

  stage(stage: string): void {
    upsertSearchAttributes([{ key: Stage, value: stage }]);
  }

  message(messageKey: string, status: string): void {
    this.statuses.set(messageKey, status);
    upsertSearchAttributes([
      { key: MessageKeys, value: [...this.statuses.keys()] },
      { key: MessageStatus, value: [...new Set(this.statuses.values())] },
    ]);
  }
}
