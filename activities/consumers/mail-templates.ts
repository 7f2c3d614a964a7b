export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function layout(title: string, paragraphs: string[]): string {
  const body = paragraphs.map((p) => `<p>${p}</p>`).join('\n');
  return `<!doctype html><html><body style="font-family:sans-serif"><h2>${escapeHtml(title)}</h2>\n${body}</body></html>`;
}

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * `seconds` in words, rounded down so that a mail never promises more time than there is: "24 hours",
 * "1 hour", "1 hour and 30 minutes", "10 minutes", "45 seconds".
 */
export function durationInWords(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours === 0 && minutes === 0) return count(Math.floor(seconds), 'second');
  return [hours > 0 && count(hours, 'hour'), minutes > 0 && count(minutes, 'minute')].filter(Boolean).join(' and ');
}

/** How the mail activates: the link, and the code for the page `codePage` (for a person on another device). */
export interface ActivationMeans {
  link: string;
  code: string;
  codePage: string;
}

export function activationMail(loginName: string, means: ActivationMeans, validSeconds: number): RenderedMail {
  const subject = 'Activate your account';
  const within = durationInWords(validSeconds);
  const { link, code, codePage } = means;
  const warning = (name: string) =>
    `The link and the code activate the account with the login name ${name}. If you did not register, or did not choose that login name, ignore this mail: anyone can start a registration with any address, and you can still register yourself.`;
  return {
    subject,
    text: `Hello ${loginName},\n\nplease activate your account within ${within} by opening this link and pressing its button:\n${link}\n\nOr, on another device, open\n${codePage}\nand enter your e-mail address and this code:\n${code}\n\n${warning(`"${loginName}"`)}\n`,
    html: layout(subject, [
      `Hello ${escapeHtml(loginName)},`,
      `please activate your account within ${within}:`,
      `<a href="${escapeHtml(link)}">Activate my account</a>`,
      `Or, on another device, open ${escapeHtml(codePage)} and enter your e-mail address and this code: <strong style="font-size:1.4em;letter-spacing:0.2em">${escapeHtml(code)}</strong>`,
      warning(`<strong>${escapeHtml(loginName)}</strong>`),
    ]),
  };
}

/**
 * The one reminder before the window closes: the activation mail's link and code again, which still
 * work, and the time left, rounded down.
 */
export function activationReminderMail(loginName: string, means: ActivationMeans, leftSeconds: number): RenderedMail {
  const subject = 'Reminder: activate your account';
  const within = durationInWords(leftSeconds);
  const { link, code, codePage } = means;
  const note = 'The link and the code of the mail we sent earlier work too. If you did not register, ignore this mail.';
  return {
    subject,
    text: `Hello ${loginName},\n\nyour account is not active yet. It can be activated for ${within} more by opening this link and pressing its button:\n${link}\n\nOr, on another device, open\n${codePage}\nand enter your e-mail address and this code:\n${code}\n\n${note}\n`,
    html: layout(subject, [
      `Hello ${escapeHtml(loginName)},`,
      `your account is not active yet. It can be activated for ${within} more:`,
      `<a href="${escapeHtml(link)}">Activate my account</a>`,
      `Or, on another device, open ${escapeHtml(codePage)} and enter your e-mail address and this code: <strong style="font-size:1.4em;letter-spacing:0.2em">${escapeHtml(code)}</strong>`,
      note,
    ]),
  };
}

export function activationSucceededMail(loginName: string): RenderedMail {
  const subject = 'Your account is active';
  return {
    subject,
    text: `Hello ${loginName},\n\nyour account is now active. Welcome!\n`,
    html: layout(subject, [`Hello ${escapeHtml(loginName)},`, 'your account is now active. Welcome!']),
  };
}

/**
 * To the owner of an address someone tried to register again (the API answers that attempt like any
 * other): no link, no name, nothing the attempt supplied, so the mail tells nobody anything but the owner.
 */
export function accountExistsMail(): RenderedMail {
  const subject = 'Someone tried to create an account with your address';
  const lines = [
    'someone tried to create a new account with this e-mail address, which already has one.',
    'If it was you, sign in with your account, or reset your password if you have forgotten it.',
    'If it was not you, you need not do anything: your account is unchanged, and no new account was made.',
  ];
  return {
    subject,
    text: `Hello,\n\n${lines.join('\n\n')}\n`,
    html: layout(subject, ['Hello,', ...lines.map(escapeHtml)]),
  };
}
