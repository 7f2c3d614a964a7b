/** The delivery a provider event names by the Message-ID activities/consumers/mail.ts set (api/services/mail-event-sink.ts). */
import { mailMessageId } from '../../activities/consumers/mail';
import { targetOfMessageId } from '../../api/services/mail-event-sink';

it('reads the message key and consumer group back from the Message-ID a delivery sets, with or without <>', () => {
  const id = mailMessageId('0f3c9a1e-5b7d-4c2a-9e8f-1a2b3c4d5e6f');
  expect(targetOfMessageId(id)).toEqual({
    messageKey: '0f3c9a1e-5b7d-4c2a-9e8f-1a2b3c4d5e6f',
    consumerGroup: 'CID_OPC',
  });
  expect(targetOfMessageId(id.slice(1, -1))).toEqual(targetOfMessageId(id));
});

it('names no delivery for a Message-ID of another sender, or none', () => {
  for (const id of ['<abc.CID_OPC@elsewhere.example>', '<20261203.ABC@mx.example.com>', '', undefined]) {
    expect(targetOfMessageId(id)).toBeUndefined();
  }
});
