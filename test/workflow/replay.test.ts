/**
 * A registration waits up to a day for its click, so a worker with new workflow code must replay the
 * histories that the previous code wrote. Each history under fixtures/histories was recorded from
 * `npm start` (payloads encrypted with the default development key): a change to the workflow code
 * that cannot replay them fails here, and has to go behind `patched()`.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config';
import { dataConverter } from '../../infra/temporal';
import { payloadFromJson, type JsonPayload } from '../../infra/payload-json';
import { decodeArrayFromPayloads, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { workflowSpanSinks } from '../../workers/tracing';
import { workflowBundlePath } from '../setup/workflow-bundle';

const dir = join(__dirname, '..', 'fixtures', 'histories');
/**
 * The worker's workflow settings: the default configuration (its development key encrypted the recorded
 * payloads), and the span sink a traced history's workflow calls (the worker's, exporting nowhere here).
 */
const replayOptions = () => ({
  workflowBundle: { codePath: workflowBundlePath() },
  dataConverter: dataConverter(loadConfig({})),
  sinks: workflowSpanSinks(),
});
const histories = readdirSync(dir).filter((file) => file.endsWith('.json'));

test('there are recorded histories to replay', () => {
  expect(histories.length).toBeGreaterThan(0);
});

test('a registration recorded before locales existed has none in its input, and replays: its mails go in DEFAULT_LOCALE', async () => {
  const file = 'activated-window-from-mail-accepted.json';
  const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const stored = json.events[0].workflowExecutionStartedEventAttributes.input.payloads as JsonPayload[];
  const converter = loadDataConverter(dataConverter(loadConfig({})));
  const [input] = (await decodeArrayFromPayloads(converter, stored.map(payloadFromJson))) as Record<string, unknown>[];
  expect(input).toEqual(expect.objectContaining({ email: expect.any(String), tokenSalt: expect.any(String) }));
  expect(input).not.toHaveProperty('locale');
  await Worker.runReplayHistory(replayOptions(), historyFromJSON(json));
});

test('a registration of an address already on the suppression list, recorded under the patch suppressed-ends-wait, ended BOUNCED as its mail was refused, and replays', async () => {
  const json = JSON.parse(readFileSync(join(dir, 'bounced-address-suppressed.json'), 'utf8'));
  const events = json.events as {
    eventType: string;
    markerRecordedEventAttributes?: { markerName: string; details?: Record<string, { payloads: JsonPayload[] }> };
    workflowExecutionCompletedEventAttributes?: { result: { payloads: JsonPayload[] } };
  }[];
  const converter = loadDataConverter(dataConverter(loadConfig({})));
  const patches = await Promise.all(
    events
      .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
      .map(async (e) => {
        const stored = e.markerRecordedEventAttributes!.details!['patch-data'].payloads;
        const [data] = (await decodeArrayFromPayloads(converter, stored.map(payloadFromJson))) as { id: string }[];
        return data.id;
      }),
  );
  expect(patches).toContain('suppressed-ends-wait');
  // No timer fired: it ended when the refusal came, not at its window's or its ceiling's end.
  expect(events.map((e) => e.eventType)).not.toContain('EVENT_TYPE_TIMER_FIRED');
  const stored = events.at(-1)!.workflowExecutionCompletedEventAttributes!.result.payloads;
  const [result] = await decodeArrayFromPayloads(converter, stored.map(payloadFromJson));
  expect(result).toEqual({ userId: expect.any(String), stage: 'BOUNCED' });
  await Worker.runReplayHistory(replayOptions(), historyFromJSON(json));
});

test.each(histories)('%s replays with the current workflow code', async (file) => {
  const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  await Worker.runReplayHistory(replayOptions(), history);
});
