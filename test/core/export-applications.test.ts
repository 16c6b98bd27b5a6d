/**
 * The applications CSV on real PostgreSQL: phone numbers that Excel keeps as text, and a
 * withdrawn application without its personal fields unless asked for them.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportApplicationsCsv } from '../../core/applications/export-applications.ts';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { Sealer } from '../../core/crypto/sealer.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { DURING, program } from '../support/flow-harness.ts';
import { sampleAnswers, seedApplication } from '../support/seed-applications.ts';

const sealer = new Sealer(randomBytes(32));
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await syncContest(transactOn(db.sql), program, DURING);
  await seedApplication(db.prisma, sealer, { receipt: 'BC2026-0001', status: 'submitted', answers: sampleAnswers('千葉 太郎', '船橋市', 'no') });
  await seedApplication(db.prisma, sealer, {
    receipt: 'BC2026-0002', status: 'submitted', answers: { ...sampleAnswers('市川 花子', '市川市', 'no'), phone: '0312345678' },
  });
  await seedApplication(db.prisma, sealer, { receipt: 'BC2026-0003', status: 'withdrawn', answers: sampleAnswers('松戸 一郎', '松戸市', 'no') });
  const { email: _taken, ...withoutEmail } = sampleAnswers('柏 次郎', '柏市', 'no');
  await seedApplication(db.prisma, sealer, { receipt: 'BC2026-0004', status: 'submitted', answers: withoutEmail });
});

afterAll(async () => {
  await db?.drop();
});

/** RFC 4180 as csv-stringify writes it: quoted cells may hold commas, quotes (doubled) and line breaks. */
function parse(text: string): string[][] {
  const rows: string[][] = [[]];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"', i += 1);
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (rows.at(-1)!.push(cell), cell = '');
    else if (c === '\r' && text[i + 1] === '\n') (rows.at(-1)!.push(cell), cell = '', rows.push([]), i += 1);
    else cell += c;
  }
  if (cell !== '' || rows.at(-1)!.length > 0) rows.at(-1)!.push(cell);
  return rows.filter((r) => r.length > 0);
}

async function exportRows(options: { personal: boolean; withdrawnPersonal?: boolean }) {
  const { text } = await exportApplicationsCsv(db, sealer, program, { ...options, actor: 'test', now: DURING });
  const [header, ...rows] = parse(text.replace(/^\uFEFF/, '')) as string[][];
  const cell = (receipt: string, column: string) => rows.find((r) => r[0] === receipt)![header!.indexOf(column)];
  return { header: header!, rows, cell };
}

describe('exportApplicationsCsv', () => {
  it('names what a submitted application is missing (an answer taken back), and nothing for a complete one', async () => {
    const { cell } = await exportRows({ personal: false });
    expect(cell('BC2026-0004', '未回答')).toBe('メール');
    expect(cell('BC2026-0001', '未回答')).toBe('');
  });

  it('writes phone numbers with hyphens, so Excel keeps their leading 0', async () => {
    const { cell } = await exportRows({ personal: true });
    expect(cell('BC2026-0001', '電話番号')).toBe('090-1234-5678');
    expect(cell('BC2026-0002', '電話番号')).toBe('03-1234-5678');
  });

  it('leaves a withdrawn application\'s personal fields empty, keeping the row and its plan', async () => {
    const { cell, rows } = await exportRows({ personal: true });
    expect(rows).toHaveLength(4);
    expect(cell('BC2026-0003', '状態')).toBe('取り下げ');
    for (const column of ['お名前', 'ふりがな', 'メール', '電話番号', '年代', 'ご職業', '事業者名']) expect(cell('BC2026-0003', column)).toBe('');
    expect(cell('BC2026-0003', 'プラン名')).toBe('地産地消の仕組み');
    expect(cell('BC2026-0001', 'お名前')).toBe('千葉 太郎');
  });

  it('includes them when asked, and says so in the audit log', async () => {
    const { cell } = await exportRows({ personal: true, withdrawnPersonal: true });
    expect(cell('BC2026-0003', 'お名前')).toBe('松戸 一郎');
    const entry = await db.prisma.auditLog.findFirst({ where: { action: 'applications.exported' }, orderBy: { id: 'desc' } });
    expect(entry?.detail).toEqual({ rows: 4, personal: true, withdrawnPersonal: true });
  });
});
