/**
 * The bench's count of Temporal Cloud actions, on a recorded flow whose actions were counted by hand
 * from its history (registration, its activation mail, the click, ACTIVATING and ENABLED reported, the
 * success mail).
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { activationTaskIndex, billableActions } from '../../bench/billable-actions';

const history = historyFromJSON(
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'histories', 'activated-stage-reported.json'), 'utf8')),
);
const events = history.events ?? [];

test('the registration: start, update, two tasks of local activities, two upserts, the timer, two deliveries', () => {
  expect(billableActions(events.slice(0, activationTaskIndex(events)))).toBe(9);
});

test('the whole flow adds the click (update, local activities, ACTIVATING and ENABLED, two deliveries, finish)', () => {
  // The patch's own TemporalChangeVersion upsert is exempt; its marker shares a task with local activities.
  expect(billableActions(events)).toBe(17);
});
