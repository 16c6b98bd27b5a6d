import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlClient } from '../../core/db/pg-transaction.ts';
import { createSend } from '../../core/outbox/sends.repository.ts';
import { botTexts, callbackBody, LineUser } from '../support/line-events.ts';
import { startHarness, type Harness } from '../support/ouen-harness.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'ouen.mjs');
let h: Harness;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  h = await startHarness({ worker: false });
  env = {
    ...process.env,
    DATABASE_URL: h.db.connectionString,
    OUEN_ENCRYPTION_KEY: h.ouen.env.OUEN_ENCRYPTION_KEY,
    OUEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'ouen-cli-')),
    LOG_LEVEL: 'silent',
  };
  const submitted = new LineUser(h.line);
  const draft = new LineUser(h.line);
  await h.post(callbackBody(h.line.botUserId,
    submitted.text('応募'), submitted.choose('yes'), submitted.choose('now'), submitted.text('船橋市'), submitted.choose('notYet'),
    submitted.text('=HYPERLINK("x")'), submitted.text('ちば たろう'), submitted.text('taro@example.jp'), submitted.text('09012345678'),
    submitted.choose('30s'), submitted.choose('founder'), submitted.text('ちばラボ'), submitted.text('工房'), submitted.choose('tourism'),
    submitted.text('概要'), submitted.text('課題'), submitted.choose('later'), submitted.choose('no'), submitted.choose('sns'),
    submitted.choose('submit'),
    draft.text('応募'), draft.choose('yes'),
  ));
  await h.settle();
  expect(botTexts(h.line, submitted.userId).join('\n')).toContain('受付番号');
});

afterAll(async () => {
  await h?.close();
});

describe('ouen CLI', () => {
  it('prints counts per entity and status as JSON, with the latest sends\' reports', async () => {
    const sendId = await createSend(sqlClient(h.db.sql), { kind: 'broadcast', label: '説明会のお知らせ', createdBy: 'discord:1' }, new Date());
    const { stdout } = await run('node', [bin, 'stats', '--json'], { env });
    const stats = JSON.parse(stdout);
    expect(stats.sends).toEqual([expect.objectContaining({ id: sendId, kind: 'broadcast', label: '説明会のお知らせ', targeted: 0, sent: 0, skipped: 0, failed: 0, waiting: 0 })]);
    expect(stats.applications).toEqual({ draft: 1, submitted: 1, withdrawn: 0 });
    // The program file's seminars, with their capacity as it stands and their bookings.
    expect(stats.seminars.map((s: { id: string }) => s.id)).toEqual(['funding', 'marketing', 'founder-talk']);
    expect(stats.seminars[0]).toEqual({ id: 'funding', capacity: 60, booked: 0, waitlisted: 0 });
    expect(stats.participants.total).toBe(2);
    expect(stats.consentsGranted).toEqual({ 'contest-application': 2 });
    expect(stats.consentsRefused).toEqual({ 'contest-application': 0 });
  });

  it('exports applications as Excel-friendly CSV, formulas neutralised, and audits the export', async () => {
    const { stdout } = await run('node', [bin, 'applications', 'export', '--csv'], { env });
    expect(stdout.startsWith('\uFEFF受付番号,状態')).toBe(true);
    expect(stdout).toContain('\r\n');
    expect(stdout).toMatch(/BC2026-0001,提出済み/);
    expect(stdout).toContain(`"'=HYPERLINK(""x"")"`);
    expect(stdout).toContain('taro@example.jp');
    const withoutPersonal = (await run('node', [bin, 'applications', 'export', '--csv', '--no-personal'], { env })).stdout;
    expect(withoutPersonal).not.toContain('taro@example.jp');
    // No personal column (the draft's 「未回答」 may still name the question 「メール」).
    expect(withoutPersonal.split('\r\n')[0]).not.toContain('メール');
    expect(await h.db.prisma.auditLog.count({ where: { action: 'applications.exported' } })).toBe(2);
  });

  it('verifies the audit chain', async () => {
    const { stdout } = await run('node', [bin, 'audit', 'verify'], { env });
    expect(stdout).toMatch(/audit log intact: \d+ rows/);
  });

  it('applies migrations (none pending) and explains unknown commands', async () => {
    expect((await run('node', [bin, 'migrate'], { env })).stdout).toContain('up to date');
    await expect(run('node', [bin, 'frobnicate'], { env })).rejects.toMatchObject({ code: 2 });
  });

  it('names every bad environment variable at once', async () => {
    const bad = { ...env, PORT: 'eighty', LINE_CHANNEL_SECRET: 'only-the-secret' };
    const failure = await run('node', [bin, 'stats'], { env: bad }).catch((error: { stderr: string }) => error);
    expect(failure.stderr).toContain('PORT');
    expect(failure.stderr).toContain('LINE_CHANNEL_ACCESS_TOKEN');
  });
});
