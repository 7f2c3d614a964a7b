import { MESSAGE_STATUSES, type MessageStatus } from '../../domain/messaging';
import { Confirm, Message, User } from '../../domain/models';
import { MAIL_CONSUMER } from '../../domain/subscriptions';
import type { BriefCache } from './brief-cache';

/** How long the overview's figures are reused: they are counts over large collections. */
export const OVERVIEW_CACHE_SECONDS = 30;
const HOURS = 12;
const LATENCY_SAMPLES = 200;
/** Statuses a message leaves again: few at any time, so counting them over the status index is cheap. */
const TRANSIENT: MessageStatus[] = ['WAIT_SEND', 'SENDING', 'DEAD', 'CANCELLED'];

export interface Overview {
  computedAt: string;
  /** Exact for every status but FINISHED, which is the collection's estimated size less the others. */
  statusCounts: Record<MessageStatus, number>;
  perHour: { hour: string; registrations: number; activations: number }[];
  /** Request → mail, in ms, of the latest mails sent (oldest first). */
  latency: { samplesMs: number[]; p50: number | null; p95: number | null };
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The operator console's overview: messages by status, sign-ups per hour, request → mail latency. */
export function createConsoleService(deps: { cache: BriefCache; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());

  async function statusCounts(): Promise<Record<MessageStatus, number>> {
    const [total, ...transient] = await Promise.all([
      Message.estimatedDocumentCount(),
      ...TRANSIENT.map((status) => Message.countDocuments({ status })),
    ]);
    const counts = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as Record<MessageStatus, number>;
    TRANSIENT.forEach((status, i) => (counts[status] = transient[i]));
    counts.FINISHED = Math.max(0, total - transient.reduce((a, b) => a + b, 0));
    return counts;
  }

  async function perHour(): Promise<Overview['perHour']> {
    const end = now();
    end.setUTCMinutes(0, 0, 0);
    end.setUTCHours(end.getUTCHours() + 1);
    const since = new Date(end.getTime() - HOURS * 3_600_000);
    // Only the indexed field is read: a covered range scan, bounded by the sign-ups of those hours.
    const [registered, activated] = await Promise.all([
      User.find({ createdAt: { $gte: since } }, { _id: 0, createdAt: 1 }).lean(),
      User.find({ activatedAt: { $gte: since } }, { _id: 0, activatedAt: 1 }).lean(),
    ]);
    const buckets = Array.from({ length: HOURS }, (_v, i) => ({
      hour: new Date(since.getTime() + i * 3_600_000).toISOString(),
      registrations: 0,
      activations: 0,
    }));
    const bucket = (at: Date | undefined) =>
      at ? buckets[Math.floor((at.getTime() - since.getTime()) / 3_600_000)] : undefined;
    for (const u of registered) {
      const b = bucket(u.createdAt);
      if (b) b.registrations++;
    }
    for (const u of activated) {
      const b = bucket(u.activatedAt);
      if (b) b.activations++;
    }
    return buckets;
  }

  async function latency(): Promise<Overview['latency']> {
    const consumed = await Confirm.find(
      { consumerGroup: MAIL_CONSUMER, status: 'CONSUMED' },
      { messageKey: 1, history: 1 },
    )
      .sort({ createdAt: -1, _id: -1 })
      .limit(LATENCY_SAMPLES)
      .lean();
    const samplesMs = (
      await Promise.all(
        consumed.map(async (c) => {
          const sentAt = c.history.findLast((h) => h.status === 'CONSUMED')?.at;
          const message = await Message.findOne({ _id: c.messageKey }, { _id: 0, createdAt: 1 }).lean();
          return sentAt && message ? sentAt.getTime() - message.createdAt.getTime() : undefined;
        }),
      )
    )
      .filter((ms): ms is number => ms !== undefined)
      .reverse();
    return { samplesMs, p50: percentile(samplesMs, 50), p95: percentile(samplesMs, 95) };
  }

  return {
    overview(): Promise<Overview> {
      return deps.cache('console-overview', OVERVIEW_CACHE_SECONDS, async () => {
        const [counts, hours, lat] = await Promise.all([statusCounts(), perHour(), latency()]);
        return { computedAt: now().toISOString(), statusCounts: counts, perHour: hours, latency: lat };
      });
    },
    /** The parts of the overview one by one, for the benchmark. */
    parts: { statusCounts, perHour, latency },
  };
}
