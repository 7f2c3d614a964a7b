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

export function activationMail(loginName: string, link: string, validHours: number): RenderedMail {
  const subject = 'Activate your account';
  return {
    subject,
    text: `Hello ${loginName},\n\nplease activate your account within ${validHours} hours by opening this link:\n${link}\n\nIf you did not register, ignore this mail.\n`,
    html: layout(subject, [
      `Hello ${escapeHtml(loginName)},`,
      `please activate your account within ${validHours} hours:`,
      `<a href="${escapeHtml(link)}">Activate my account</a>`,
      'If you did not register, ignore this mail.',
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
