const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<title>${title}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:4rem auto;line-height:1.5">` +
  `<h1>${title}</h1>${body}</body></html>`;

/** Asks for the address and sends a new activation link to it (POST /activation/resend). */
const resendForm =
  '<form method="post" action="/activation/resend">' +
  '<p><label for="email">Your e-mail address</label><br>' +
  '<input id="email" name="email" type="email" required autocomplete="email" maxlength="254" size="32"></p>' +
  '<p><button type="submit">Send me a new activation link</button></p></form>';

/**
 * The page a person sees after clicking the link in the mail. A link that does not work (unknown,
 * expired, used, or lost by the token store) offers a new one at once.
 */
export function activationPage(ok: boolean): string {
  return ok
    ? page('Your account is active', '<p>Thank you. You can now sign in.</p>')
    : page(
        'This link does not work',
        '<p>It is unknown, expired or has already been used. If your account is still waiting for ' +
          'activation, we can send you a new link.</p>' +
          resendForm,
      );
}

/** The answer to the form: the same for every address, known or not, so it tells no one who has an account. */
export function resendPage(outcome: 'accepted' | 'invalid' | 'limited'): string {
  switch (outcome) {
    case 'accepted':
      return page(
        'Check your inbox',
        '<p>If an account is waiting for activation at this address, a new activation link is on its way. ' +
          'Earlier links no longer work.</p>',
      );
    case 'invalid':
      return page('That address does not look right', '<p>Check it and try again.</p>' + resendForm);
    case 'limited':
      return page('Too many requests', '<p>Wait a few minutes, then try again.</p>' + resendForm);
  }
}
