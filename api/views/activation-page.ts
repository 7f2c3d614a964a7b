import { html } from './html';

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
 * What a link shows:
 * - `confirm`: the link of a pending registration. Opening it changes nothing (link scanners open links,
 *   run scripts and submit forms that submit themselves); its one button, a plain form without script,
 *   POSTs the token to the same URL.
 * - `activated`: the answer to that POST; `already-active`: the link of a token that activated its account.
 * - `invalid`: unknown, expired or replaced (or lost by the token store): it offers a new link at once.
 */
export function activationPage(
  state: { kind: 'confirm'; token: string } | { kind: 'activated' | 'already-active' | 'invalid' },
): string {
  switch (state.kind) {
    case 'confirm':
      return page(
        'Activate your account',
        html`<p>Press the button to activate your account.</p>
          <form method="post" action="/api/users/activate/${state.token}">
            <input type="hidden" name="token" value="${state.token}" />
            <p><button type="submit">Activate my account</button></p>
          </form>`.value,
      );
    case 'activated':
      return page('Your account is active', '<p>Thank you. You can now sign in.</p>');
    case 'already-active':
      return page('Your account is already active', '<p>You can sign in.</p>');
    case 'invalid':
      return page(
        'This link does not work',
        '<p>It is unknown, expired or has already been used. If your account is still waiting for ' +
          'activation, we can send you a new link.</p>' +
          resendForm,
      );
  }
}

/** Asks for the address and the mail's code (POST /activate/code). */
const codeForm =
  '<form method="post" action="/activate/code">' +
  '<p><label for="email">Your e-mail address</label><br>' +
  '<input id="email" name="email" type="email" required autocomplete="email" maxlength="254" size="32"></p>' +
  '<p><label for="code">The 6-digit code from the activation mail</label><br>' +
  '<input id="code" name="code" required inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,11}" ' +
  'maxlength="11" size="8"></p>' +
  '<p><button type="submit">Activate my account</button></p></form>';

/**
 * The page for the mail's code, and its answers when the code does not activate. A wrong code, a spent
 * one and an address without a registration get the same page, so it tells no one who registered.
 */
export function codePage(outcome: 'form' | 'invalid' | 'limited'): string {
  switch (outcome) {
    case 'form':
      return page('Activate your account with a code', codeForm);
    case 'invalid':
      return page(
        'This code does not work',
        '<p>Check the address and the code. A code stops working after 5 tries, and when its mail is ' +
          'replaced or expires: the link in the mail still works.</p>' +
          codeForm,
      );
    case 'limited':
      return page('Too many tries', '<p>Wait a few minutes, then try again.</p>' + codeForm);
  }
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
