/**
 * The console in Chromium for browser tests: Debian's chromium (playwright-core cannot
 * download one here), started without background networking (this machine's network is
 * closed, and the console must talk to nobody but ouen), and a page that records every
 * script error, console error and request to anywhere but ouen.
 * Needs /usr/bin/chromium (`apt-get install -y chromium`), or CHROMIUM_PATH.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startOuen, type RunningOuen } from '../../cli/start-ouen.ts';
import { parseEnv } from '../../core/env.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REDIS_URL = 'redis://127.0.0.1:6379';

export interface ConsoleBrowser {
  browser: Browser;
  page: Page;
  /** Script errors, console errors and requests that left ouen, as they happened. */
  pageErrors: string[];
}

export interface ConsoleBrowserOptions {
  viewport?: { width: number; height: number };
  /** More Chromium switches (a host-resolver rule for a DNS-rebinding test, say). */
  args?: string[];
  /** Requests to anything but this origin are refused and recorded as errors. */
  onlyOrigin?: string;
  /** Record the console's error lines too (default); off where failed loads are expected (ouen restarting). */
  consoleErrors?: boolean;
}

/** Chromium and one page, in Japanese, in Tokyo time. */
export async function openConsoleBrowser(options: ConsoleBrowserOptions = {}): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', ...(options.args ?? [])],
  });
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 900 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  if (options.consoleErrors !== false) {
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
  }
  const origin = options.onlyOrigin;
  if (origin) {
    // The page must work offline: anything not from this server is a bug.
    await page.route((url) => !url.href.startsWith(origin), (route) => {
      pageErrors.push(`external request: ${route.request().url()}`);
      return route.abort();
    });
  }
  return { browser, page, pageErrors };
}

/**
 * A screenshot for a person checking the console by eye, only when asked for:
 * `OUEN_TEST_SCREENSHOTS=/some/dir npm test` (tests write nothing otherwise).
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.OUEN_TEST_SCREENSHOTS;
  if (dir) await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** How long the bot may take to answer one step in the console (first turns warm up too). */
export const ANSWER_MS = 20_000;

/** What a person does in the console's chat, as the tests do it. */
export function chatActions(page: Page) {
  return {
    /** Does `action`, then waits until the bot's new messages say `expected`. */
    async step(action: () => Promise<unknown>, expected: string | RegExp): Promise<void> {
      const before = await page.getByTestId('bot-message').count();
      await action();
      const pattern = typeof expected === 'string' ? new RegExp(expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : expected;
      await expect.poll(async () => (await page.getByTestId('bot-message').allInnerTexts()).slice(before).join('\n'), { timeout: ANSWER_MS, interval: 100 })
        .toMatch(pattern);
    },
    async tapQuickReply(label: string): Promise<void> {
      await page.locator(`[data-testid="quick-reply"][data-label="${label}"]`).click();
    },
    async type(text: string): Promise<void> {
      await page.getByTestId('message-input').fill(text);
      await page.getByTestId('send-button').click();
    },
  };
}

export interface ConsoleSystem {
  ouen: RunningOuen;
  db: TestDatabase;
  close(): Promise<void>;
}

/**
 * The whole system as the console drives it (web + worker, no LINE credentials) on a
 * fresh database of the test server and a queue prefix of its own, on `clock`.
 */
export async function startConsoleSystem(clock: () => Date): Promise<ConsoleSystem> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'ouen-console-'));
  const prefix = `console-test-${randomBytes(4).toString('hex')}`;
  const ouen = await startOuen({
    env: parseEnv({ PORT: '0', DATABASE_URL: db.connectionString, REDIS_URL, OUEN_QUEUE_PREFIX: prefix, OUEN_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
    web: true, worker: true, clock,
  });
  return {
    ouen, db,
    close: async () => {
      await ouen.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
      await deleteKeys(`${prefix}:*`);
    },
  };
}

async function deleteKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(pattern);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
