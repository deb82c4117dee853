import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium; `scripts/ensure-test-services.sh` installs it when it is missing. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, no sandbox (containers run as root), and nothing that reaches the network by itself. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Starts Debian's chromium with a new, empty profile (playwright makes a temporary user-data-dir per launch). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** What a page did wrong while it loaded: console errors, uncaught exceptions and failed or refused requests. */
export interface PageProblems {
  readonly console: string[];
  readonly exceptions: string[];
  readonly failedRequests: string[];
}

/** Collects a page's problems from now on, for a test to assert there are none. */
export function watchPageProblems(page: Page): PageProblems {
  const problems: PageProblems = { console: [], exceptions: [], failedRequests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.console.push(message.text());
  });
  page.on('pageerror', (error) => problems.exceptions.push(error.message));
  page.on('requestfailed', (request) => problems.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.failedRequests.push(`${response.request().method()} ${response.url()}: ${response.status()}`);
  });
  return problems;
}
