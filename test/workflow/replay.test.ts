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
import { workflowBundlePath } from '../setup/workflow-bundle';

const dir = join(__dirname, '..', 'fixtures', 'histories');
const histories = readdirSync(dir).filter((file) => file.endsWith('.json'));

test('there are recorded histories to replay', () => {
  expect(histories.length).toBeGreaterThan(0);
});

test.each(histories)('%s replays with the current workflow code', async (file) => {
  const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  await Worker.runReplayHistory(
    {
      workflowBundle: { codePath: workflowBundlePath() },
      // The default configuration: its development key encrypted the recorded payloads.
      dataConverter: dataConverter(loadConfig({})),
    },
    history,
  );
});
