import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeLineApi, JOURNAL_IN_USE_WARNING } from '../../bot/console/fake-line-api.ts';
import { FakeLineJournal } from '../../bot/console/fake-line-journal.ts';
import { isAlive } from '../../core/db/owner-lock.ts';
import { createLogger } from '../../core/logger.ts';
import { FakeLineStore, MAX_FILES, MAX_TRANSCRIPT, REPLY_TOKEN_TTL_MS } from '../../bot/console/fake-line-store.ts';
import { messageId } from '../../bot/console/line-ids.ts';

const TOKEN = 'channel-access-token';

describe('the fake LINE platform with a journal', () => {
  const dirs: string[] = [];
  const servers: Server[] = [];
  const journalDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ouen-journal-'));
    dirs.push(dir);
    return join(dir, 'console');
  };

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  /** The fake API over a store, as ouen mounts it; returns its base URL. */
  async function serve(store: FakeLineStore): Promise<string> {
    const server = createServer(express().use(createFakeLineApi({ channelAccessToken: TOKEN, store }).router));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  const push = (base: string, to: string, retryKey: string) => fetch(`${base}/v2/bot/message/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'x-line-retry-key': retryKey },
    body: JSON.stringify({ to, messages: [{ type: 'text', text: '結果のお知らせ' }] }),
  });

  it('brings back users, chats, the bot id and sent files after a restart, and answers for them as before', async () => {
    const dir = journalDir();
    const first = new FakeLineStore({ journal: new FakeLineJournal(dir) });
    const user = first.createUser({ displayName: '千葉 花子', language: 'ja' });
    first.appendUserEntry(user.userId, { kind: 'text', messageId: messageId(), text: '応募' });
    first.appendBotMessage(user.userId, { kind: 'message', via: 'reply', messageId: messageId(), message: { type: 'text', text: 'はじめまして' } });
    const fileId = messageId();
    first.addFile({ messageId: fileId, userId: user.userId, fileName: 'plan.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4') });
    first.setBlocked(user.userId, true);
    first.setBlocked(user.userId, false);

    const second = new FakeLineStore({ journal: new FakeLineJournal(dir) });
    expect(second.botUserId).toBe(first.botUserId);
    expect(second.users()).toEqual(first.users());
    expect(second.transcript(user.userId)).toEqual(first.transcript(user.userId));
    expect(second.lastSeq).toBe(2);
    expect(second.file(fileId)?.bytes.toString()).toBe('%PDF-1.4');

    const base = await serve(second);
    const profile = await fetch(`${base}/v2/bot/profile/${user.userId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(profile.status).toBe(200);
    expect((await push(base, user.userId, randomUUID())).status).toBe(200);
    expect(second.botMessages(user.userId)).toEqual([{ type: 'text', text: 'はじめまして' }, { type: 'text', text: '結果のお知らせ' }]);
  });

  it('keeps what a console user wrote, but never an Individual Number, on disk', () => {
    const dir = journalDir();
    const store = new FakeLineStore({ journal: new FakeLineJournal(dir) });
    const user = store.createUser({ displayName: '千葉 花子', language: 'ja' });
    store.appendUserEntry(user.userId, { kind: 'text', messageId: messageId(), text: '番号は 4231-9605-6805 です' });
    store.addFile({ messageId: messageId(), userId: user.userId, fileName: '423196056805.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4') });
    const written = readFileSync(join(dir, 'platform.jsonl'), 'utf8');
    expect(written).toContain('番号は ［個人番号のため削除］ です');
    expect(written.replace(/\D/g, '')).not.toContain('423196056805');
    expect(new FakeLineStore({ journal: new FakeLineJournal(dir) }).transcript(user.userId).at(-1)).toMatchObject({ text: '番号は ［個人番号のため削除］ です' });
  });

  it('remembers reply tokens and retry keys across a restart as LINE does: a used token stays used, a retried push is refused with 409', async () => {
    const dir = journalDir();
    let now = Date.parse('2026-12-01T00:00:00Z');
    const first = new FakeLineStore({ now: () => now, journal: new FakeLineJournal(dir) });
    const user = first.createUser({ displayName: 'Taro', language: 'en' });
    const used = first.issueReplyToken(user.userId);
    const fresh = first.issueReplyToken(user.userId);
    const stale = first.issueReplyToken(user.userId);
    expect(first.useReplyToken(used)).toBe(user.userId);
    const retryKey = randomUUID();
    expect((await push(await serve(first), user.userId, retryKey)).status).toBe(200);

    now += REPLY_TOKEN_TTL_MS / 2;
    const second = new FakeLineStore({ now: () => now, journal: new FakeLineJournal(dir) });
    expect(second.useReplyToken(used)).toBeNull();
    expect(second.useReplyToken(fresh)).toBe(user.userId);
    now += REPLY_TOKEN_TTL_MS;
    expect(second.useReplyToken(stale)).toBeNull();
    const retried = await push(await serve(second), user.userId, retryKey);
    expect(retried.status).toBe(409);
    expect(second.botMessages(user.userId)).toHaveLength(1);
  });

  it('ignores a line cut short by a crash, and keeps its file and folder to the owner', () => {
    const dir = journalDir();
    const first = new FakeLineStore({ journal: new FakeLineJournal(dir) });
    const user = first.createUser({ displayName: 'A', language: 'ja' });
    appendFileSync(join(dir, 'platform.jsonl'), '{"t":"user","user":{"userId":"U');

    const second = new FakeLineStore({ journal: new FakeLineJournal(dir) });
    expect(second.users().map((u) => u.userId)).toEqual([user.userId]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'platform.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('stays bounded: the newest chat lines and files are kept, the journal is rewritten as what is kept', () => {
    const dir = journalDir();
    const first = new FakeLineStore({ journal: new FakeLineJournal(dir) });
    const user = first.createUser({ displayName: 'A', language: 'ja' });
    for (let i = 1; i <= MAX_TRANSCRIPT + 10; i++) first.appendUserEntry(user.userId, { kind: 'text', messageId: messageId(), text: `${i}` });
    const files = Array.from({ length: MAX_FILES + 1 }, () => messageId());
    for (const id of files) first.addFile({ messageId: id, userId: user.userId, fileName: 'a.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF') });

    const second = new FakeLineStore({ journal: new FakeLineJournal(dir) });
    const kept = second.transcript(user.userId);
    expect(kept).toHaveLength(MAX_TRANSCRIPT);
    expect(kept[0]).toMatchObject({ text: '11' });
    expect(second.file(files[0]!)).toBeUndefined();
    expect(second.file(files.at(-1)!)).toBeDefined();
    const lines = readFileSync(join(dir, 'platform.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(1 + 1 + MAX_TRANSCRIPT + MAX_FILES);
  });

  it('is kept by one process at a time: a second finds it taken, says so, and keeps its console users in memory only', async () => {
    const dir = journalDir();
    const other = await otherProcessKeeping(dir);
    try {
      const lines = new PassThrough();
      const logged: string[] = [];
      lines.on('data', (chunk: Buffer) => logged.push(chunk.toString()));
      const { store } = createFakeLineApi({ channelAccessToken: TOKEN, journalDir: dir, logger: createLogger('info', lines) });
      const mine = store.createUser({ displayName: 'B', language: 'ja' });

      expect(logged.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ level: 40, holder: other.pid, msg: JOURNAL_IN_USE_WARNING })]);
      expect(readFileSync(join(dir, 'platform.jsonl'), 'utf8')).not.toContain(mine.userId);
      expect(store.users().map((user) => user.userId)).toEqual([mine.userId]);
    } finally {
      other.child.kill('SIGKILL');
      await once(other.child, 'exit');
    }
    expect(isAlive(other.pid)).toBe(false);
    // Its owner gone (killed, lock left behind), the next process takes the journal over.
    expect(existsSync(`${dir}.lock`)).toBe(true);
    const { store } = createFakeLineApi({ channelAccessToken: TOKEN, journalDir: dir });
    expect(store.users().map((user) => user.userId)).toEqual([other.userId]);
  });

  it('passes from an earlier journal to a new one in the same process (ouen started again), and the earlier one writes nothing more', () => {
    const dir = journalDir();
    const first = new FakeLineStore({ journal: new FakeLineJournal(dir) });
    const user = first.createUser({ displayName: 'A', language: 'ja' });
    const second = new FakeLineStore({ journal: new FakeLineJournal(dir) });

    expect(() => first.createUser({ displayName: 'C', language: 'ja' })).toThrow(/taken over/);
    second.appendUserEntry(user.userId, { kind: 'text', messageId: messageId(), text: 'こんにちは' });
    expect(new FakeLineStore({ journal: new FakeLineJournal(dir) }).users().map((u) => u.userId)).toEqual([user.userId]);
  });
});

/** Another process that keeps a journal in `dir` (with one console user) until it is killed. */
async function otherProcessKeeping(dir: string): Promise<{ child: ReturnType<typeof spawn>; pid: number; userId: string }> {
  const consoleDir = new URL('../../bot/console/', import.meta.url).href;
  const script = `
    const { FakeLineJournal } = await import(${JSON.stringify(`${consoleDir}fake-line-journal.ts`)});
    const { FakeLineStore } = await import(${JSON.stringify(`${consoleDir}fake-line-store.ts`)});
    const store = new FakeLineStore({ journal: new FakeLineJournal(${JSON.stringify(dir)}) });
    process.stdout.write(store.createUser({ displayName: 'A', language: 'ja' }).userId + '\\n');
    setInterval(() => undefined, 60_000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = await once(child.stdout!, 'data') as [Buffer];
  return { child, pid: child.pid!, userId: chunk.toString().trim() };
}
