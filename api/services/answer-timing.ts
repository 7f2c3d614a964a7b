import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface AnswerTimingOptions {
  /** How many recent accepted registrations' durations are kept. */
  size?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
  /** An index in [0, n). */
  pick?: (n: number) => number;
}

/**
 * Makes a concealed answer to a taken address take as long as a new address's answer does. Each path
 * costs what it costs (a new address saves a user and confirms its mail; a pending registration refuses
 * an attempt without saving anything), and that differs with the database behind it. So the durations of
 * the last accepted registrations are kept, from the request's arrival to its answer, and a concealed
 * answer is held until a duration drawn at random from them has passed since its own arrival: the two
 * kinds take the same time in distribution, not only on average. Per API process, in memory; until the
 * first registration is accepted nothing is held, and after a change of load the held answers follow the
 * last accepted ones until they are all from the new load.
 */
export function createAnswerTiming(options: AnswerTimingOptions = {}) {
  // Few enough to follow a change of load within a minute of traffic, enough to draw a spread from.
  const size = options.size ?? 50;
  const now = options.now ?? (() => performance.now());
  const wait = options.sleep ?? sleep;
  const pick = options.pick ?? ((n: number) => randomInt(n));
  const durations: number[] = [];
  let oldest = 0;

  return {
    now,
    /** A new address's registration, accepted: its duration joins the sample. */
    accepted(startedAt: number): void {
      const duration = now() - startedAt;
      if (durations.length < size) durations.push(duration);
      else {
        durations[oldest] = duration;
        oldest = (oldest + 1) % size;
      }
    },
    /** A taken address's answer, to be held until a drawn duration has passed since its arrival. */
    async concealed(startedAt: number): Promise<void> {
      if (durations.length === 0) return;
      const remaining = startedAt + durations[pick(durations.length)] - now();
      if (remaining > 0) await wait(remaining);
    },
  };
}

export type AnswerTiming = ReturnType<typeof createAnswerTiming>;
