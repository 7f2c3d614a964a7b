/** The page a person sees after clicking the link in the mail. */
export function activationPage(ok: boolean): string {
  const [title, text] = ok
    ? ['Your account is active', 'Thank you. You can now sign in.']
    : [
        'This link does not work',
        'It is unknown, expired or has already been used. Register again or ask for a new activation mail.',
      ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:4rem auto"><h1>${title}</h1><p>${text}</p></body></html>`;
}
