import type { MailEvent, MailEventTarget } from '../../domain/mail-events';
import { logger } from '../../infra/logger';
import type { ApplyToFlow } from './mail-event-sink';

/**
 * The sink's `applyToFlow` (api/services/mail-event-sink.ts), as wired in api/services/index.ts. For now it
 * logs what it is given; the effects on the flow (BOUNCED/COMPLAINED, the workflow's signal, the
 * suppression list) go here.
 */
export function createApplyToFlow(): ApplyToFlow {
  return (event: MailEvent, target: MailEventTarget) => {
    logger.info(
      { provider: event.provider, type: event.type, bounceType: event.bounceType, ...target },
      'mail event for a delivery',
    );
    return Promise.resolve();
  };
}
