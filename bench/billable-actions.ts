import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The search attribute `patched()` keeps, exempt from Temporal Cloud's action count. */
const CHANGE_VERSION = 'TemporalChangeVersion';

/**
 * Temporal Cloud's billable actions in a stretch of a workflow's history, by its published rules
 * (docs.temporal.io/cloud/actions): the start, each update and signal, each activity attempt, each timer,
 * each search-attribute upsert (those of `patched()` alone exempt), and the markers (local activities,
 * patches) of one workflow task as one action. Queries and heartbeats leave no event and are not counted.
 */
export function billableActions(events: HistoryEvent[]): number {
  let actions = 0;
  let task = -1;
  const tasksWithMarkers = new Set<number>();
  events.forEach((e, i) => {
    if (e.workflowTaskCompletedEventAttributes) task = i;
    if (e.workflowExecutionStartedEventAttributes) actions++;
    if (e.workflowExecutionUpdateAcceptedEventAttributes) actions++;
    if (e.workflowExecutionSignaledEventAttributes) actions++;
    if (e.activityTaskStartedEventAttributes) actions += e.activityTaskStartedEventAttributes.attempt ?? 1;
    if (e.timerStartedEventAttributes) actions++;
    const upserted = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    if (upserted && Object.keys(upserted).some((key) => key !== CHANGE_VERSION)) actions++;
    if (e.markerRecordedEventAttributes) tasksWithMarkers.add(task);
  });
  return actions + tasksWithMarkers.size;
}

/** Where the registration ends in a whole flow's history: the workflow task that takes the `activate` update. */
export function activationTaskIndex(events: HistoryEvent[]): number {
  const accepted = events.findIndex(
    (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'activate',
  );
  return events.slice(0, accepted).findLastIndex((e) => e.workflowTaskScheduledEventAttributes);
}
