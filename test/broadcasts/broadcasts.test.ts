/**
 * Broadcasts through approvals, on real PostgreSQL and Redis with the real outbox worker
 * and the fake LINE platform: held until approved, never approved by their drafter,
 * discarded when rejected, previewed with the billed estimate and the month's quota,
 * test-sent to the drafter alone, refused when the quota cannot carry them, sent at
 * their scheduled time (out of quiet hours), and reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as broadcasts from '../../core/broadcasts/broadcast.service.ts';
import { ownParticipantOf } from '../../core/broadcasts/own-participant.ts';
import { syncContest } from '../../core/contests/sync-contest.ts';
import { transactOn } from '../../core/db/pg-transaction.ts';
import { dueOutboxIds } from '../../core/outbox/outbox.repository.ts';
import { sendReport } from '../../core/outbox/sends.repository.ts';
import { program } from '../support/flow-harness.ts';
import { eventually } from '../support/ouen-harness.ts';
import { sampleAnswers, seedApplication } from '../support/seed-applications.ts';
import { startWorkerFixture, type WorkerFixture } from '../support/worker-fixture.ts';

/** Daytime in Tokyo: outside the quiet hours. */
let now = new Date('2026-12-08T10:00:00+09:00');
let f: WorkerFixture;
let deps: broadcasts.BroadcastDeps;
const drafter = 'console:staff-a';
const approver = { actor: 'console:approver-b', roles: ['approver' as const] };
const people: Record<'submitted' | 'draft' | 'blocked' | 'staff', { participantId: string; lineUserId: string }> = {} as never;
const refusal = (code: string) => expect.objectContaining({ name: 'ApprovalRefusal', code });
const applicantsText = { ja: '説明会は 12 月 10 日 14 時からです。', en: 'The briefing is on 10 December at 14:00.' };

async function applicant(status: 'submitted' | 'draft', receipt: string | null, options: { unreachable?: boolean } = {}) {
  const { userId } = f.line.createUser({ displayName: 'テスト', language: 'ja' });
  await seedApplication(f.db.prisma, f.sealer, { receipt, status, answers: sampleAnswers('応募', '柏市', 'no'), lineUserId: userId });
  const participant = await f.db.prisma.participant.update({ where: { lineUserId: userId }, data: { unreachableAt: options.unreachable ? now : null } });
  return { participantId: participant.id, lineUserId: userId };
}

/** Everyone LINE delivered to, by push or in a multicast (identical content to several people goes as one). */
const pushedTo = () => [
  ...f.pushes().filter((p) => p.status === 200).map((p) => p.to),
  ...f.multicasts().filter((m) => m.status === 200).flatMap((m) => m.to),
];
const rowStatuses = async (approvalId: string) =>
  (await f.db.prisma.outboxMessage.findMany({ where: { approvalId }, select: { status: true } })).map((r) => r.status).sort();

beforeAll(async () => {
  // The worker keeps the test's clock: rows are due by it.
  f = await startWorkerFixture({ clock: () => now });
  deps = { db: f.sql, transact: transactOn(f.db.sql), sealer: f.sealer, program, clock: () => now, quota: () => f.channels.forUser('').messageQuota() };
  await syncContest(deps.transact, program, now);
  people.submitted = await applicant('submitted', 'BC2026-0001');
  people.draft = await applicant('draft', null);
  people.blocked = await applicant('submitted', 'BC2026-0002', { unreachable: true });
  // The staff member's own LINE, linked to a participant: where their test sends go.
  people.staff = await f.lineParticipant();
});

afterAll(async () => {
  await f?.close();
});

describe('a broadcast', () => {
  let approvalId: string;

  it('is held on drafting: nothing reaches anyone, and the worker will not take its rows', async () => {
    const preview = await broadcasts.draftBroadcast(deps, drafter, { title: '説明会のお知らせ', text: applicantsText, segment: { id: 'applicants', params: {} } });
    approvalId = preview.approvalId;
    expect(await rowStatuses(approvalId)).toEqual(['held', 'held', 'held']);
    expect(await dueOutboxIds(f.sql, new Date('2100-01-01'), 100)).toEqual([]);
    // The worker's dispatcher runs and plans nothing for held rows.
    await f.worker.dispatch();
    expect(await rowStatuses(approvalId)).toEqual(['held', 'held', 'held']);
    expect(await f.db.prisma.outboxMessage.count({ where: { approvalId, requestId: { not: null } } })).toBe(0);
    expect(pushedTo()).toEqual([]);
  });

  it('previews the recipients, the billed messages (LINE recipients not blocked), the quota and the text', async () => {
    f.line.setMessageQuota(100);
    const preview = (await broadcasts.broadcastPreview(deps, approvalId))!;
    expect(preview).toMatchObject({
      title: '説明会のお知らせ', status: 'awaiting', draftedBy: drafter, segment: { id: 'applicants', params: {} },
      recipients: { total: 3, line: 2, blocked: 1, discord: 0 }, billed: 2,
      quota: { limit: 100, used: 0, remaining: 100, billed: 2, exceeds: false },
      text: applicantsText, sendAt: null, dueIfApprovedNow: now,
    });
  });

  it('is test-sent to the drafter alone, outside its report', async () => {
    await broadcasts.testSendBroadcast(deps, drafter, approvalId, people.staff.participantId).then((id) => f.queue.enqueue([id]));
    await eventually(() => pushedTo().length === 1);
    expect(pushedTo()).toEqual([people.staff.lineUserId]);
    expect(f.line.botMessages(people.staff.lineUserId)).toEqual([expect.objectContaining({ type: 'text', text: applicantsText.ja })]);
    expect(await sendReport(f.sql, (await broadcasts.broadcastPreview(deps, approvalId))!.sendId!)).toMatchObject({ targeted: 3, sent: 0, waiting: 3 });
    await expect(broadcasts.testSendBroadcast(deps, drafter, approvalId, null)).rejects.toEqual(refusal('noOwnChannel'));
  });

  it('cannot be approved by its drafter, even one who is an approver', async () => {
    await expect(broadcasts.answerBroadcast(deps, { actor: drafter, roles: ['approver'] }, approvalId, true)).rejects.toEqual(refusal('ownDraft'));
    await expect(broadcasts.answerBroadcast(deps, { actor: 'console:staff-c', roles: ['staff', 'admin'] }, approvalId, true)).rejects.toEqual(refusal('notPermitted'));
    expect(await rowStatuses(approvalId)).toEqual(['held', 'held', 'held']);
  });

  it('warns in the preview and refuses approval when the month\'s quota cannot carry it, sending nothing', async () => {
    f.line.setMessageQuota(2);
    // The test send used one of the month's two.
    expect((await broadcasts.broadcastPreview(deps, approvalId))!.quota).toMatchObject({ limit: 2, used: 1, remaining: 1, billed: 2, exceeds: true });
    await expect(broadcasts.answerBroadcast(deps, approver, approvalId, true)).rejects.toEqual(refusal('quotaExceeded'));
    expect(await rowStatuses(approvalId)).toEqual(['held', 'held', 'held']);
    const unreadable = { ...deps, quota: () => Promise.reject(new Error('LINE did not answer')) };
    expect((await broadcasts.broadcastPreview(unreadable, approvalId))!.quota).toBe('unknown');
    await expect(broadcasts.answerBroadcast(unreadable, approver, approvalId, true)).rejects.toEqual(refusal('quotaUnknown'));
  });

  it('goes out when another approver approves, skips the blocked, and reports what became of each recipient', async () => {
    f.line.setMessageQuota(1000);
    const answered = await broadcasts.answerBroadcast(deps, approver, approvalId, true);
    expect(answered.released).toHaveLength(3);
    await f.queue.enqueue(answered.released);
    const sendId = answered.approval.sendId!;
    await eventually(async () => (await sendReport(f.sql, sendId))!.waiting === 0);
    expect(await sendReport(f.sql, sendId)).toMatchObject({ kind: 'broadcast', label: '説明会のお知らせ', targeted: 3, sent: 2, skipped: 1, failed: 0, waiting: 0 });
    expect(pushedTo().sort()).toEqual([people.staff.lineUserId, people.submitted.lineUserId, people.draft.lineUserId].sort());
    await expect(broadcasts.answerBroadcast(deps, { actor: 'console:approver-c', roles: ['approver'] }, approvalId, false)).rejects.toEqual(refusal('alreadyDecided'));
    const audit = await f.db.prisma.auditLog.findMany({ where: { entityId: approvalId }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['broadcast.drafted', drafter], ['broadcast.testSent', drafter], ['approval.approved', approver.actor],
    ]);
  });

  it('is discarded when rejected: its rows are skipped and nothing is sent', async () => {
    const before = f.pushes().length;
    const preview = await broadcasts.draftBroadcast(deps, drafter, { title: '取り消すお知らせ', text: { ja: '送られないお知らせ' }, segment: { id: 'applicants', params: { status: 'submitted' } } });
    expect(preview.text).toEqual({ ja: '送られないお知らせ', en: '送られないお知らせ' });
    const answered = await broadcasts.answerBroadcast(deps, approver, preview.approvalId, false);
    expect(answered).toMatchObject({ released: [], dueAt: null, discarded: 2 });
    expect(await rowStatuses(preview.approvalId)).toEqual(['skipped', 'skipped']);
    expect(await dueOutboxIds(f.sql, new Date('2100-01-01'), 100)).toEqual([]);
    expect(await sendReport(f.sql, preview.sendId!)).toMatchObject({ targeted: 2, sent: 0, skipped: 2, waiting: 0 });
    expect(f.pushes().length).toBe(before);
  });

  it('waits for its scheduled time, moved out of the quiet hours', async () => {
    // 22:30 in Tokyo: inside the default quiet hours (21:00–09:00), so it goes at 09:00 the next day.
    const sendAt = new Date('2026-12-09T22:30:00+09:00');
    const preview = await broadcasts.draftBroadcast(deps, drafter, { title: '予約のお知らせ', text: applicantsText, segment: { id: 'applicants', params: { status: 'draft' } }, sendAt });
    const morning = new Date('2026-12-10T09:00:00+09:00');
    expect(preview.dueIfApprovedNow).toEqual(morning);
    const answered = await broadcasts.answerBroadcast(deps, approver, preview.approvalId, true);
    expect(answered).toMatchObject({ released: [], dueAt: morning });
    const [row] = await f.db.prisma.outboxMessage.findMany({ where: { approvalId: preview.approvalId } });
    expect(row).toMatchObject({ status: 'pending', notBefore: morning });
    const id = row!.id;
    expect(await dueOutboxIds(f.sql, new Date(morning.getTime() - 60_000), 100)).not.toContain(id);
    expect(await dueOutboxIds(f.sql, morning, 100)).toContain(id);
  });

  it('refuses an empty segment, a past send time, an unknown segment and a My Number', async () => {
    const draft = { title: 't', text: { ja: 'こんにちは' }, segment: { id: 'waitlisted', params: {} } };
    await expect(broadcasts.draftBroadcast(deps, drafter, draft)).rejects.toEqual(refusal('emptySegment'));
    await expect(broadcasts.draftBroadcast(deps, drafter, { ...draft, segment: { id: 'applicants', params: {} }, sendAt: new Date(now.getTime() - 1) })).rejects.toEqual(refusal('badSendAt'));
    await expect(broadcasts.draftBroadcast(deps, drafter, { ...draft, segment: { id: 'nobody', params: {} } })).rejects.toEqual(refusal('unknownSegment'));
    await expect(broadcasts.draftBroadcast(deps, drafter, { ...draft, segment: { id: 'round', params: { round: 'semifinal' } } })).rejects.toEqual(refusal('unknownSegment'));
    await expect(broadcasts.draftBroadcast(deps, drafter, { ...draft, text: { ja: '番号は 4231-9605-6805 です' }, segment: { id: 'applicants', params: {} } })).rejects.toEqual(refusal('myNumber'));
  });
});

describe('a staff member\'s own participant', () => {
  it('is their Discord DM participant, and nobody for other actors', async () => {
    const dm = await f.db.prisma.participant.create({ data: { discordUserId: '123456789012345678' } });
    expect(await ownParticipantOf(f.sql, 'discord:123456789012345678')).toBe(dm.id);
    expect(await ownParticipantOf(f.sql, 'discord:999999999999999999')).toBeNull();
    expect(await ownParticipantOf(f.sql, 'console:staff')).toBeNull();
  });
});
