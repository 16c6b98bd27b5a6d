/**
 * The console page in local mode as `npm start` runs it (its own PostgreSQL, no
 * credentials), in Chromium: what a restart keeps, and what a hostile web page cannot do.
 * Needs Debian's chromium at /usr/bin/chromium (`apt-get install -y chromium`).
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOuen, type RunningOuen } from '../../cli/start-ouen.ts';
import { choosePort } from '../../bot/http/listen.ts';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { sqlClient } from '../../core/db/pg-transaction.ts';
import { createSqlPool } from '../../core/db/sql-pool.ts';
import { parseEnv, type Env } from '../../core/env.ts';
import { createLogger } from '../../core/logger.ts';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { OutboxQueue } from '../../runtime/outbox-queue.ts';
import { openConsoleBrowser } from '../support/console-browser.ts';
import { obliterateQueue } from '../support/ouen-harness.ts';
import { scratchDir } from '../support/scratch-dir.ts';

const ANSWER_MS = 20_000;
/** A site whose DNS answers 127.0.0.1, as a DNS-rebinding attacker's does once the page is loaded. */
const REBOUND_HOST = 'rebound.example';

describe('console in local mode (browser)', () => {
  let dataDir: string;
  let env: Env;
  let ouen: RunningOuen;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  const start = () => startOuen({ env, web: true, worker: true, logger: createLogger('silent') });

  beforeAll(async () => {
    dataDir = await scratchDir('ouen-console-local-');
    // A fixed port, so that the page can reload the same address after the restart.
    const port = await choosePort(0, '127.0.0.1');
    env = parseEnv({ PORT: String(port), OUEN_DATA_DIR: dataDir, OUEN_QUEUE_PREFIX: `console-local-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'silent' });
    ouen = await start();
    // The page keeps polling while ouen restarts: failed loads then are expected, script errors are not.
    ({ browser, page, pageErrors } = await openConsoleBrowser({ args: [`--host-resolver-rules=MAP ${REBOUND_HOST} 127.0.0.1`], consoleErrors: false }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await ouen?.close();
    await obliterateQueue(env.REDIS_URL, env.OUEN_QUEUE_PREFIX);
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('still lists a conversation after a restart, shows its chat, and shows what is pushed to the person afterwards', async () => {
    await page.goto(`http://localhost:${ouen.port}/console`);
    await page.getByTestId('add-user-name').fill('千葉 花子');
    await page.getByTestId('add-user-submit').click();
    await expect.poll(() => page.getByTestId('bot-message').allInnerTexts(), { timeout: ANSWER_MS }).toContainEqual(expect.stringContaining('はじめまして'));
    await page.getByTestId('message-input').fill('応募');
    await page.getByTestId('send-button').click();
    await expect.poll(() => page.getByTestId('bot-message').allInnerTexts(), { timeout: ANSWER_MS }).toContainEqual(expect.stringContaining('個人情報の取り扱い'));
    const before = await page.getByTestId('bot-message').allInnerTexts();

    await ouen.close();
    ouen = await start();
    await page.reload();

    await expect.poll(() => page.getByTestId('user-item').allInnerTexts()).toEqual([expect.stringContaining('千葉 花子')]);
    await page.getByTestId('user-item').first().click();
    await expect.poll(() => page.getByTestId('bot-message').allInnerTexts()).toEqual(before);
    expect(await page.getByTestId('user-text').allInnerTexts()).toContain('応募');

    const sql = createSqlPool(ouen.db.connectionString, 1);
    const queue = new OutboxQueue(redisConnection(env.REDIS_URL), env.OUEN_QUEUE_PREFIX);
    try {
      const { rows } = await sql.query<{ id: string }>('SELECT "id" FROM "Participant"');
      const ids = await createOutboxRows(sqlClient(sql), ouen.sealer, [{
        participantId: rows[0]!.id, content: { messages: [{ type: 'text', text: { literal: { ja: '書類審査の結果をお知らせします。', en: '書類審査の結果をお知らせします。' } } }] }, kind: 'test', notBefore: new Date(),
      }], new Date());
      await queue.enqueue(ids);
    } finally {
      await queue.close();
      await sql.end();
    }
    await expect.poll(() => page.getByTestId('bot-message').last().innerText(), { timeout: ANSWER_MS }).toContain('書類審査の結果をお知らせします。');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('gives a page of another site nothing, even when its name points at this machine (DNS rebinding)', async () => {
    const rebound = await browser.newPage();
    try {
      const response = await rebound.goto(`http://${REBOUND_HOST}:${ouen.port}/console`);
      expect(response!.status()).toBe(403);
      // Same-origin for the browser, so nothing stops the page itself: the server must.
      const attempt = await rebound.evaluate(async () => {
        const answer = await fetch('/console/api/staff', {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'admin', line: '/stats' }),
        });
        return { status: answer.status, body: await answer.text() };
      });
      expect(attempt.status).toBe(403);
      expect(attempt.body).not.toContain('応募');
      const users = await rebound.evaluate(async () => (await fetch('/console/api/users')).status);
      expect(users).toBe(403);
    } finally {
      await rebound.close();
    }
  }, 60_000);
});
