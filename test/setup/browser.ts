import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../../stack/paths';

/** Where a failing browser test leaves a screenshot of its page (git-ignored). */
export const SCREENSHOTS = join(repoRoot, 'test-results', 'screenshots');

/** Debian's Chromium (or CHROMIUM_PATH): never a browser downloaded by Playwright. */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
}

export async function launchBrowser(): Promise<Browser> {
  // --no-sandbox: Chromium's sandbox needs user namespaces, which containers and root often lack.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}

/** A page whose every HTML document (URL and source) is kept, to check that none holds a secret. */
export async function recordingPage(
  context: BrowserContext,
): Promise<{ page: Page; documents: { url: string; html: string }[] }> {
  const page = await context.newPage();
  const documents: { url: string; html: string }[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'document') return;
    void response
      .text()
      .then((html) => documents.push({ url: response.url(), html }))
      .catch(() => documents.push({ url: response.url(), html: '' }));
  });
  return { page, documents };
}

/** Runs a browser test; when it fails, its page's screenshot is kept in SCREENSHOTS under the test's name. */
export function browserTest(name: string, page: () => Page, fn: () => Promise<void>, timeoutMs?: number): void {
  test(
    name,
    async () => {
      try {
        await fn();
      } catch (err) {
        mkdirSync(SCREENSHOTS, { recursive: true });
        const file = join(SCREENSHOTS, `${name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 80)}.png`);
        await page()
          .screenshot({ path: file, fullPage: true })
          .catch(() => undefined);
        throw err;
      }
    },
    timeoutMs,
  );
}
