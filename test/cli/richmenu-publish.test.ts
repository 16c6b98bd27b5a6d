import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRichMenuFixture, type RichMenuFixture } from '../support/rich-menu-fixture.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'ouen.mjs');
let f: RichMenuFixture;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  f = await startRichMenuFixture();
  env = {
    ...process.env,
    DATABASE_URL: f.db.connectionString,
    OUEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    OUEN_DATA_DIR: mkdtempSync(join(tmpdir(), 'ouen-richmenu-')),
    LINE_CHANNEL_SECRET: 'secret',
    LINE_CHANNEL_ACCESS_TOKEN: f.config.channelAccessToken,
    LINE_API_BASE_URL: f.config.apiBaseUrl,
    LOG_LEVEL: 'silent',
  };
}, 60_000);

afterAll(async () => {
  await f?.close();
});

describe('ouen richmenu publish', () => {
  it('publishes every stage\'s menu to LINE, and a second run changes nothing', async () => {
    const person = await f.participant({ application: 'submitted' });
    const first = await run('node', [bin, 'richmenu', 'publish'], { env });
    expect(first.stdout).toMatch(/^new-friend: richmenu-[0-9a-f]{32} \(new\)$/m);
    expect(first.stdout).toContain('default: set to the new-friend menu');
    expect(first.stdout).toMatch(/^linked: 1 /m);
    expect(f.line.richMenus.list()).toHaveLength(5);
    expect(f.line.richMenus.shownTo(person.lineUserId)?.name).toMatch(/^ouen:applicant:/);

    const second = await run('node', [bin, 'richmenu', 'publish'], { env });
    expect(second.stdout.match(/\(unchanged\)/g)).toHaveLength(5);
    expect(second.stdout).toContain('default: unchanged');
    expect(second.stdout).toMatch(/^linked: 0 /m);
    expect(f.line.richMenus.list()).toHaveLength(5);
  }, 120_000);
});
