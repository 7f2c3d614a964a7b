import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
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

export async function createTemporalClient(config: Config): Promise<Client> {
  const connection = await Connection.connect({ address: config.temporal.address });
  return new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config) });
}
