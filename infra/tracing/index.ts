/**
 * OpenTelemetry traces, off unless the standard variables ask for them: `OTEL_EXPORTER_OTLP_ENDPOINT`
 * (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) names the collector, spans go there as OTLP over HTTP;
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER(_ARG)` and `OTEL_BSP_*` are read
 * as the specification says; `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn them
 * off again. See docs/tracing.md.
 *
 * Import this module before any other of a process's entry point: the instrumentations patch http,
 * express, the MongoDB driver and ioredis as they are loaded.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { RedactingSpanProcessor } from './redaction';
import { samplerFromEnv } from './sampler';
import { commandShape } from './statements';

export interface Tracing {
  resource: Resource;
  /** Where every span goes, the workflow's too (handed over by the worker's sink). */
  spanProcessor: SpanProcessor;
  shutdown(): Promise<void>;
}

/** Whether the environment asks for traces. */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** A non-negative number from the environment, or nothing (the processor's default). */
function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = Number(env[name]);
  return env[name] && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Starts the tracer provider and the instrumentations when the environment asks for traces, and returns
 * them; otherwise nothing, and every span the code starts is a no-op.
 */
export function startTracing(defaultServiceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (!tracingConfigured(env)) return undefined;
  const resource = resourceFromAttributes({ 'service.name': defaultServiceName }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  const spanProcessor = new RedactingSpanProcessor(
    new BatchSpanProcessor({
      exporter: new OTLPTraceExporter(),
      scheduledDelayMillis: envNumber(env, 'OTEL_BSP_SCHEDULE_DELAY'),
      maxQueueSize: envNumber(env, 'OTEL_BSP_MAX_QUEUE_SIZE'),
      maxExportBatchSize: envNumber(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    }),
  );
  const provider = new TracerProvider({ resource, sampler: samplerFromEnv(env), spanProcessors: [spanProcessor] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes are no one's registration.
        ignoreIncomingRequestHook: (req) => /^\/(health|metrics)\b/.test(req.url ?? ''),
      }),
      // The route's handler, not each middleware and router it passes on the way.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
      // Statements are recorded by their shape alone: which fields, never their values.
      new MongoDBInstrumentation({
        enhancedDatabaseReporting: false,
        requireParentSpan: true,
        dbStatementSerializer: commandShape,
      }),
      // A command's name, never its keys (which name an address's limit) or its values.
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => command }),
    ],
  });
  return {
    resource,
    spanProcessor,
    shutdown: () => provider.shutdown(),
  };
}
