/**
 * The ids that make repeats land on the same record: one registration workflow per e-mail address
 * (api/services/registration.ts), whatever its case or surrounding blanks, named by a hash so the
 * address does not show in the Web UI; and one confirm and one idempotency key per message and
 * consumer group (domain/models, domain/delivery).
 */
import { createHash } from 'node:crypto';
import { accountNoticeWorkflowId } from '../../api/services/workflow-ids';
import { registrationWorkflowId } from '../../api/services/workflow-ids';
import { idempotencyKey } from '../../domain/delivery';
import { confirmId } from '../../domain/models';

describe('account notice workflow id', () => {
  it('is "account-notice-" and the same hash of the normalised address, never the address', () => {
    const expected = createHash('sha256').update('alice@example.com').digest('hex').slice(0, 32);
    expect(accountNoticeWorkflowId('  Alice@Example.com')).toBe(`account-notice-${expected}`);
    expect(accountNoticeWorkflowId('alice@example.com')).not.toContain('alice');
  });
});

describe('registration workflow id', () => {
  it('is "registration-" and 32 hex digits of the SHA-256 of the normalised address', () => {
    const expected = createHash('sha256').update('alice@example.com').digest('hex').slice(0, 32);
    expect(registrationWorkflowId('alice@example.com')).toBe(`registration-${expected}`);
    expect(registrationWorkflowId('alice@example.com')).toMatch(/^registration-[0-9a-f]{32}$/);
  });

  it('is the same for one address written in any case, with blanks around it', () => {
    const id = registrationWorkflowId('alice@example.com');
    for (const variant of ['Alice@Example.com', 'ALICE@EXAMPLE.COM', '  alice@example.com\t']) {
      expect(registrationWorkflowId(variant)).toBe(id);
    }
  });

  it('differs between addresses', () => {
    const ids = ['alice@example.com', 'alice@example.org', 'alice2@example.com', 'bob@example.com'].map(
      registrationWorkflowId,
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('does not show the address', () => {
    const id = registrationWorkflowId('alice@example.com');
    expect(id).not.toContain('alice');
    expect(id).not.toContain('example');
  });
});

describe('per message and consumer group', () => {
  it('the confirm id is "<messageKey>/<consumerGroup>"', () => {
    expect(confirmId('msg-1', 'CID_OPC')).toBe('msg-1/CID_OPC');
  });

  it('the idempotency key is "consumer:<consumerGroup>:<messageKey>" (the Redis client adds REDIS_KEY_PREFIX)', () => {
    expect(idempotencyKey('CID_OPC', 'msg-1')).toBe('consumer:CID_OPC:msg-1');
  });

  it('two consumer groups of one message do not share a confirm or a key', () => {
    expect(confirmId('msg-1', 'CID_OPC')).not.toBe(confirmId('msg-1', 'CID_EVENTS'));
    expect(idempotencyKey('CID_OPC', 'msg-1')).not.toBe(idempotencyKey('CID_EVENTS', 'msg-1'));
  });
});
