import { DefaultFailureConverter } from '@temporalio/common';

/** Failure messages and stack traces go into an encoded payload, so the payload codec encrypts them too. */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
