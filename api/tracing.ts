import { startTracing } from '../infra/tracing';

/** The API's tracing, started as this module loads: before express, the MongoDB driver and ioredis are. */
export const tracing = startTracing('reliable-signup-api');
