import type { Client } from '@temporalio/client';
import type Redis from 'ioredis';
import type mongoose from 'mongoose';
import type { Transporter } from 'nodemailer';

export type DependencyStatus = { status: 'up' } | { status: 'down'; error: string };
export interface Health {
  status: 'up' | 'down';
  dependencies: Record<'temporal' | 'mongodb' | 'redis' | 'smtp', DependencyStatus>;
}

const TIMEOUT_MS = 2000;

async function probe(check: () => Promise<unknown>): Promise<DependencyStatus> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { status: 'up' };
  } catch (err) {
    return { status: 'down', error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Asks each dependency for a real answer, in parallel, each bounded by a short timeout. */
export async function checkHealth(deps: {
  temporal: Client;
  namespace: string;
  mongo: typeof mongoose;
  redis: Redis;
  mailer: Transporter;
}): Promise<Health> {
  const [temporal, mongodb, redis, smtp] = await Promise.all([
    probe(() => deps.temporal.workflowService.describeNamespace({ namespace: deps.namespace })),
    probe(() => deps.mongo.connection.db!.admin().ping()),
    probe(() => deps.redis.ping()),
    probe(() => deps.mailer.verify()),
  ]);
  const dependencies = { temporal, mongodb, redis, smtp };
  const status = Object.values(dependencies).every((d) => d.status === 'up') ? 'up' : 'down';
  return { status, dependencies };
}
