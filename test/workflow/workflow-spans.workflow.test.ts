/**
 * Workflow spans (workflows/tracing.ts): a workflow started by a traced caller records the
 * `workflow-spans` patch and hands its spans to the worker's sink; one started untraced, with a trace
 * header that holds no trace, or with a trace its caller did not sample, records neither. Shown on the retention workflow, the smallest: the
 * decision is the same for every workflow.
 */
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { purgeFinishedMessages } from '../../workflows';
import { WORKFLOW_SPANS } from '../../workflows/tracing';
import { createTimeSkippingEnv } from '../setup/time-skipping';
import { workflowBundlePath } from '../setup/workflow-bundle';

let env: TestWorkflowEnvironment;
const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  // The caller's side of tracing, as api/tracing.ts sets it up: a tracer, a context manager, W3C headers.
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new TracerProvider());
});
afterAll(() => {
  trace.disable();
  propagation.disable();
  context.disable();
});
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});
afterEach(async () => {
  await env?.teardown();
});

interface ExportedSpan {
  name: string;
  spanContext: { traceId: string };
}

/** Runs one retention workflow through a client with these interceptors; answers its patches and the spans exported. */
async function runRetention(interceptors: WorkflowClientInterceptor[]) {
  const taskQueue = `workflow-spans-${randomUUID().slice(0, 8)}`;
  const exported: ExportedSpan[] = [];
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: workflowBundlePath() },
    activities: { purgeFinishedBatch: async () => 0 },
    sinks: { exporter: { export: { fn: (_info, spans: ExportedSpan[]) => void exported.push(...spans) } } },
  });
  const client = new Client({ connection: env.connection, interceptors: { workflow: interceptors } });
  const handle = await client.workflow.start(purgeFinishedMessages, {
    taskQueue,
    workflowId: `retention-${randomUUID()}`,
    args: [{ olderThanDays: 7, batchSize: 10 }],
  });
  await worker.runUntil(handle.result());
  const { events } = await handle.fetchHistory();
  const patches = (events ?? [])
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map(
      (e) =>
        defaultPayloadConverter.fromPayload<{ id: string }>(
          e.markerRecordedEventAttributes!.details!['patch-data'].payloads![0],
        ).id,
    );
  return { patches, exported };
}

test('a traced caller: the patch is recorded and the run and its activity are spans, in the caller’s trace', async () => {
  const tracer = trace.getTracer('test');
  let traceId = '';
  const { patches, exported } = await tracer.startActiveSpan('caller', async (span) => {
    traceId = span.spanContext().traceId;
    try {
      return await runRetention([new OpenTelemetryWorkflowClientInterceptor()]);
    } finally {
      span.end();
    }
  });
  expect(patches).toEqual([WORKFLOW_SPANS]);
  expect(exported.map((s) => s.name).sort()).toEqual([
    'RunWorkflow:purgeFinishedMessages',
    'StartActivity:purgeFinishedBatch',
  ]);
  expect(new Set(exported.map((s) => s.spanContext.traceId))).toEqual(new Set([traceId]));
});

test('an untraced caller: no patch, no span', async () => {
  const { patches, exported } = await runRetention([]);
  expect(patches).toEqual([]);
  expect(exported).toEqual([]);
});

test('a trace header that holds no trace (no propagator on the caller’s side): no patch, no span', async () => {
  propagation.disable();
  try {
    const { patches, exported } = await runRetention([new OpenTelemetryWorkflowClientInterceptor()]);
    expect(patches).toEqual([]);
    expect(exported).toEqual([]);
  } finally {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  }
});

test('a caller whose sampler dropped its trace: no patch, no span', async () => {
  const unsampled = trace.setSpanContext(context.active(), {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.NONE,
  });
  const { patches, exported } = await context.with(unsampled, () =>
    runRetention([new OpenTelemetryWorkflowClientInterceptor()]),
  );
  expect(patches).toEqual([]);
  expect(exported).toEqual([]);
});
