/**
 * The mail templates (activities/consumers/mail-templates.ts): the activation mail carries its link, its
 * code with the page to enter it on, and how long they are valid ("1 hour", "2 hours", "10 minutes") in both the text and the HTML part, the success
 * mail has no link, and what the HTML part shows of the user is escaped.
 */
import {
  accountExistsMail,
  activationMail,
  activationSucceededMail,
  durationInWords,
} from '../../activities/consumers/mail-templates';

const HOUR = 3600;
const LINK = 'https://signup.example.com/api/users/activate/jwLZaoI_p_TiOS7d9YA9jIJo3zk78SercsxYLes5oBc';
const CODE_PAGE = 'https://signup.example.com/activate/code';
const means = (link = LINK) => ({ link, code: '042917', codePage: CODE_PAGE });

/** The targets of the HTML part's links. */
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);

describe('activation mail', () => {
  const mail = activationMail('alice', means(), 24 * HOUR);

  it('is titled "Activate your account"', () => {
    expect(mail.subject).toBe('Activate your account');
    expect(mail.html).toContain('<h2>Activate your account</h2>');
  });

  it('greets the user by login name in both parts', () => {
    expect(mail.text).toMatch(/^Hello alice,/);
    expect(mail.html).toContain('Hello alice,');
  });

  it('carries the link on a line of its own in the text part, and as the only link of the HTML part', () => {
    expect(mail.text.split('\n')).toContain(LINK);
    expect(hrefs(mail.html)).toEqual([LINK]);
  });

  it('carries the code, on a line of its own in the text part, and the page to enter it on, in both parts', () => {
    expect(mail.text.split('\n')).toContain('042917');
    expect(mail.html).toContain('042917');
    for (const part of [mail.text, mail.html]) expect(part).toContain(CODE_PAGE);
  });

  it('says how many hours the link is valid, in both parts', () => {
    const twoHours = activationMail('alice', means(), 2 * HOUR);
    expect(twoHours.text).toContain('within 2 hours');
    expect(twoHours.html).toContain('within 2 hours');
    expect(mail.text).toContain('within 24 hours');
  });

  it('says "1 hour" for one hour, and minutes for less', () => {
    const oneHour = activationMail('alice', means(), HOUR);
    expect(oneHour.text).toContain('within 1 hour by opening');
    expect(oneHour.html).toContain('within 1 hour:');
    expect(activationMail('alice', means(), 600).text).toContain('within 10 minutes by opening');
  });

  it('names the login name it activates, and tells someone who did not register or choose it to ignore it', () => {
    expect(mail.text).toContain('The link and the code activate the account with the login name "alice".');
    expect(mail.html).toContain(
      'The link and the code activate the account with the login name <strong>alice</strong>.',
    );
    for (const part of [mail.text, mail.html])
      expect(part).toContain('If you did not register, or did not choose that login name, ignore this mail');
  });

  it('is a whole HTML document', () => {
    expect(mail.html).toMatch(/^<!doctype html><html>/);
    expect(mail.html).toMatch(/<\/body><\/html>$/);
  });

  it('escapes the login name and the link in the HTML part', () => {
    const odd = activationMail('<b>"al"&\'ice\'</b>', means('https://example.com/a?x=1&y="2"'), 24 * HOUR);
    expect(odd.html).toContain('Hello &lt;b&gt;&quot;al&quot;&amp;&#39;ice&#39;&lt;/b&gt;,');
    expect(odd.html).not.toContain('<b>');
    expect(hrefs(odd.html)).toEqual(['https://example.com/a?x=1&amp;y=&quot;2&quot;']);
  });
});

describe('durationInWords', () => {
  it.each([
    [24 * HOUR, '24 hours'],
    [2 * HOUR, '2 hours'],
    [HOUR, '1 hour'],
    [HOUR + 60, '1 hour and 1 minute'],
    [1.5 * HOUR, '1 hour and 30 minutes'],
    [HOUR + 59, '1 hour'],
    [59 * 60, '59 minutes'],
    [60, '1 minute'],
    [90, '1 minute'],
    [59, '59 seconds'],
    [1, '1 second'],
  ])('%d s → %s (rounded down: never more time than there is)', (seconds, words) => {
    expect(durationInWords(seconds)).toBe(words);
  });
});

describe('success mail', () => {
  const mail = activationSucceededMail('alice');

  it('is titled "Your account is active" and greets the user', () => {
    expect(mail.subject).toBe('Your account is active');
    expect(mail.html).toContain('<h2>Your account is active</h2>');
    expect(mail.text).toMatch(/^Hello alice,/);
    expect(mail.text).toContain('your account is now active');
    expect(mail.html).toContain('your account is now active');
  });

  it('carries no link', () => {
    expect(mail.text).not.toMatch(/https?:/);
    expect(hrefs(mail.html)).toEqual([]);
  });

  it('escapes the login name in the HTML part', () => {
    expect(activationSucceededMail('<i>x</i>').html).toContain('Hello &lt;i&gt;x&lt;/i&gt;,');
  });
});

describe('notice to the owner of an address someone tried to register again', () => {
  const mail = accountExistsMail();

  it('says what happened and what to do if it was the owner: sign in or reset the password', () => {
    expect(mail.subject).toBe('Someone tried to create an account with your address');
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('tried to create a new account with this e-mail address');
      expect(part).toContain('sign in with your account, or reset your password');
    }
  });

  it('carries no link and nothing of the attempt', () => {
    expect(hrefs(mail.html)).toEqual([]);
    expect(mail.text).not.toMatch(/https?:/);
  });
});
