import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Config } from '../config';
import { AesGcmPayloadCodec } from './payload-codec';

/**
 * Every payload the application exchanges with Temporal is encrypted (client and worker alike), and so
 * are failure messages and stack traces, which may quote what an SMTP server said about an address.
 */
export function dataConverter(config: Config): DataConverter {
  return {
    payloadCodecs: [new AesGcmPayloadCodec(config.payloadKeys)],
    // By path: the worker loads it into the workflow sandbox as well.
    failureConverterPath: require.resolve('./failure-converter'),
  };
}

/**
 * A client whose connection opens on first use, and which gRPC re-opens after an outage: a process
 * that uses it starts, and answers 503, while Temporal is away. A call that finds Temporal unavailable
 * is retried for about two seconds (the SDK's default is twenty), so that an HTTP client hears 503
 * soon.
 */
export function createTemporalClient(config: Config, opts: { traced?: boolean } = {}): Client {
  const connection = Connection.lazy({
    address: config.temporal.address,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 5 }))],
  });
  return new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverter(config),
    // While tracing, each call is a span, and the workflow's own spans continue its trace.
    interceptors: opts.traced ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined,
  });
}
