/**
 * A whole contest season through the staff command layer (what the console's staff panel
 * and Discord both call), on real PostgreSQL and Redis with ouen running: 60
 * applications, three judges, 15 pass the document screening, 5 the presentation, and
 * the final with the audience vote gives one grand prize and two excellence prizes.
 * Every result reaches the applicant on LINE only after an approver approved it.
 */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisConnection } from '../../runtime/redis-connection.ts';
import { commandFromComponent } from '../../bot/staff/staff-components.ts';
import { runStaffCommand, staffDepsOn, type StaffCommand, type StaffDeps, type StaffReply } from '../../bot/staff/staff-commands.ts';
import { verifyAudit } from '../../core/audit/verify-audit.ts';
import { DEFAULT_PROGRAM_FILE } from '../../core/program/load-program.ts';
import type { Role } from '../../core/staff/permissions.ts';
import { OutboxQueue } from '../../runtime/outbox-queue.ts';
import { eventually, startHarness, type Harness } from '../support/ouen-harness.ts';
import { sampleAnswers, seedApplication } from '../support/seed-applications.ts';

/** The default program with its application window closed, so judging can start. */
function seasonProgramFile(): string {
  const program = JSON.parse(readFileSync(DEFAULT_PROGRAM_FILE, 'utf8'));
  program.contest.opensAt = '2026-06-01T00:00:00+09:00';
  program.contest.deadline = '2026-09-30T23:59:59+09:00';
  const file = join(mkdtempSync(join(tmpdir(), 'ouen-season-')), 'program.json');
  writeFileSync(file, JSON.stringify(program));
  return file;
}

const receipt = (i: number) => `BC2026-${String(i + 1).padStart(4, '0')}`;
const RECEIPTS = Array.from({ length: 60 }, (_, i) => receipt(i));
/** The fifteen plans the judges like best, scattered through the receipt order. */
const TOP15 = RECEIPTS.filter((_, i) => i % 4 === 1).slice(0, 15);
const JUDGES = ['judge-a', 'judge-b', 'judge-c'];

let h: Harness;
let deps: StaffDeps;
let queue: OutboxQueue;
const lineUserOf = new Map<string, string>();

beforeAll(async () => {
  h = await startHarness({ env: { OUEN_PROGRAM_FILE: seasonProgramFile() } });
  // As ouen wires it: approved messages go to the delivery queue at once.
  queue = new OutboxQueue(redisConnection(h.ouen.env.REDIS_URL), h.ouen.env.OUEN_QUEUE_PREFIX);
  deps = staffDepsOn(h.db.sql, { sealer: h.ouen.sealer, program: h.ouen.program, clock: () => new Date(), release: (ids) => queue.enqueue(ids) });
  for (const [i, r] of RECEIPTS.entries()) {
    const user = h.line.createUser({ displayName: `応募者${i + 1}`, language: i % 10 === 0 ? 'en' : 'ja' });
    lineUserOf.set(r, user.userId);
    await seedApplication(h.db.prisma, h.ouen.sealer, {
      receipt: r, status: 'submitted', answers: sampleAnswers(`応募 ${i + 1}`, '船橋市', 'no'), lineUserId: user.userId, language: i % 10 === 0 ? 'en' : 'ja',
    });
  }
  await seedApplication(h.db.prisma, h.ouen.sealer, { receipt: 'BC2026-0061', status: 'withdrawn', answers: sampleAnswers('取り下げ', '柏市', 'no') });
}, 60_000);

afterAll(async () => {
  await queue?.close();
  await h?.close();
});

const as = (actor: string, roles: Role[]) => (command: StaffCommand) => runStaffCommand(deps, { actor, roles, language: 'ja', command });
const staff = as('console:staff-1', ['staff']);
const approver = as('console:approver-1', ['approver']);
const judge = (id: string) => as(`console:${id}`, ['judge']);

/** Opens the scoring form as a judge would, fills it in, and submits it the way the form's id says. */
async function score(judgeId: string, r: string, values: Record<string, number>, comment?: string): Promise<StaffReply> {
  const card = await judge(judgeId)({ name: 'score', receipt: r });
  if (!card.card) return card;
  const form = await judge(judgeId)(commandFromComponent(card.buttons!.find((b) => b.id.startsWith('ouen:score:'))!.id)!);
  const fields = Object.fromEntries(form.modal!.inputs.filter((i) => i.id !== 'comment').map((i) => [i.id, String(values[i.id])]));
  const submitted = commandFromComponent(form.modal!.id, { ...fields, ...(comment === undefined ? {} : { comment }) });
  return judge(judgeId)(submitted!);
}

const pushesTo = (r: string) => h.line.requests
  .filter((q) => q.path === '/v2/bot/message/push' && (q.body as { to: string }).to === lineUserOf.get(r) && q.status === 200)
  .map((q) => ((q.body as { messages: Array<{ text: string }> }).messages[0]!.text));
const allPushes = () => h.line.requests.filter((q) => q.path === '/v2/bot/message/push' && q.status === 200).length;

async function publishAndApprove(round: 'document' | 'presentation' | 'final', expected: number): Promise<void> {
  const before = allPushes();
  expect((await staff({ name: 'publish', round })).text).toContain(`${expected} 通を承認待ち`);
  // Nothing reaches an applicant while the publication waits.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(allPushes()).toBe(before);
  const waiting = await approver({ name: 'approvals' });
  const approve = waiting.buttons!.find((b) => b.id.startsWith('ouen:approve:'))!;
  expect((await approver(commandFromComponent(approve.id)!)).text).toBe(`承認しました。${expected} 通を順次 LINE で送信します。`);
  await eventually(() => allPushes() === before + expected, 20_000);
}

describe('a contest season run from the staff commands', () => {
  it('runs the document screening: 60 applications, three judges, a recusal, 15 pass after approval', async () => {
    expect((await judge('judge-a')({ name: 'score', receipt: RECEIPTS[0]! })).text).toBe('この審査ラウンドは受付中ではありません。');
    expect((await judge('judge-a')({ name: 'round', action: 'open', round: 'document' })).text)
      .toBe('この操作（審査ラウンドの開始・締切・来場者投票）は管理者・スタッフのロールが必要です。あなたのロール: 審査員。');
    expect((await staff({ name: 'round', action: 'open', round: 'document' })).text).toBe('一次審査（書類）を開始しました。対象 60 件、審査員 3 名。\n採点期間（予定）: 2027-04-05 〜 2027-04-18');
    expect((await staff({ name: 'round', action: 'open', round: 'presentation' })).text).toContain('一次審査（書類）が採点受付中です');

    for (const r of RECEIPTS) {
      const good = TOP15.includes(r);
      for (const [j, id] of JUDGES.entries()) {
        if (id === 'judge-b' && r === TOP15[3]) continue;
        const level = good ? 4 + ((j + RECEIPTS.indexOf(r)) % 2) : 1 + ((j + RECEIPTS.indexOf(r)) % 3);
        const reply = await score(id, r, { feasibility: level, profitability: level, regional: level, originality: level }, good ? '地域性が高い' : undefined);
        expect(reply.text).toContain(`${r} の採点を保存しました。`);
      }
    }
    // A conflict of interest: judge B steps back from one plan; their sheet does not count, and they cannot score it.
    expect((await judge('judge-b')({ name: 'recuse', receipt: TOP15[3]! })).text).toContain('辞退しました');
    expect((await score('judge-b', TOP15[3]!, { feasibility: 5, profitability: 5, regional: 5, originality: 5 })).text).toContain('辞退済みです');
    // Out of range, not a number, not on the roster: refused, nothing saved.
    expect((await score('judge-a', RECEIPTS[0]!, { feasibility: 9, profitability: 1, regional: 1, originality: 1 })).text)
      .toBe('「実現可能性」は 1〜5 の整数で入力してください。保存していません。');
    expect((await as('console:stranger', ['judge'])({ name: 'score', receipt: RECEIPTS[0]! })).text).toContain('審査員名簿にあなたの Discord アカウントが登録されていません');
    // Editable while the round is open; full-width digits (a Japanese keyboard) are read as numbers.
    const fix = commandFromComponent(`ouen:sheet:${RECEIPTS[2]}:0`, { feasibility: '３', profitability: '1', regional: '1', originality: '1' })!;
    expect((await judge('judge-c')(fix)).text).toContain('の採点を保存しました');

    // The document screening is blind: a judge reads the plan, not who wrote it.
    const blind = await judge('judge-a')({ name: 'application', receipt: TOP15[0]! });
    expect(blind.card!.description).toContain('応募者の個人情報は、この権限では表示されません。');
    expect(JSON.stringify(blind.card)).not.toContain('応募 2');

    const progress = await staff({ name: 'progress' });
    expect(progress.card!.title).toBe('一次審査（書類）の採点状況（採点受付中・対象 60 件）');
    expect(progress.card!.description!.split('\n')[0]).toBe('採点期間（予定）: 2027-04-05 〜 2027-04-18');
    expect(progress.card!.description).toContain('審査員B: 採点済み 59 ・ 辞退 1 ・ 残り 0');
    expect((await staff({ name: 'decideByRanking' })).text).toContain('まだ採点受付中です');

    expect((await staff({ name: 'round', action: 'close' })).text).toContain('締め切りました');
    expect((await score('judge-a', RECEIPTS[0]!, { feasibility: 2, profitability: 2, regional: 2, originality: 2 })).text).toBe('この審査ラウンドは受付中ではありません。');

    const ranking = await staff({ name: 'ranking' });
    expect(ranking.card!.description).toContain('通過ライン: 15 件が確定');
    expect(ranking.card!.description).toContain('（同点）');
    const csv = await staff({ name: 'scores' });
    expect(csv.file!.name).toBe('scores-document.csv');
    expect(String(csv.file!.content).trim().split('\n')).toHaveLength(1 + 180);
    expect(csv.file!.content).toContain('地域性が高い');
    expect((await judge('judge-a')({ name: 'scores' })).text).toBe('この操作（集計・採点 CSV）は管理者・スタッフのロールが必要です。あなたのロール: 審査員。');

    expect((await staff({ name: 'decideByRanking' })).text).toBe('60 件の結果を集計から決めました（公開前）。');
    // The approver may not publish; staff may not approve.
    expect((await approver({ name: 'publish' })).text).toBe('この操作（結果の公開依頼）は管理者・スタッフのロールが必要です。あなたのロール: 県の承認者。');
    expect((await staff({ name: 'approvals' })).text).toBe('この操作（結果通知の承認・差し戻し）は県の承認者のロールが必要です。あなたのロール: スタッフ。');

    // A first publication is rejected: nothing is sent and the decisions can change again.
    await staff({ name: 'publish' });
    expect((await staff({ name: 'publish' })).text).toBe('一次審査（書類）の結果はすでに承認待ちです。承認または差し戻しを待ってください。');
    expect((await staff({ name: 'decide', receipt: RECEIPTS[0]!, outcome: 'fail' })).text).toContain('承認待ちまたは送信済みの結果は変更できません');
    const waiting = await approver({ name: 'approvals' });
    expect(waiting.cards![0]!.title).toBe('承認待ち: 一次審査（書類）（60 通）');
    expect(waiting.cards![0]!.fields).toContainEqual({ name: '内訳', value: '不通過 45 ・ 通過 15' });
    // Which applications get which outcome, twenty a page.
    const listed = (reply: StaffReply) => reply.cards![0]!.fields.find((f) => f.name.startsWith('対象と結果'))!;
    expect(listed(waiting).name).toBe('対象と結果（1〜20 / 60 件）');
    expect(listed(waiting).value.split('\n')).toHaveLength(20);
    expect(listed(waiting).value.split('\n')[0]).toMatch(new RegExp(`^${RECEIPTS[0]} ・ (通過|不通過)$`));
    const page2 = await approver(commandFromComponent(waiting.buttons!.find((b) => b.label === '次へ')!.id)!);
    expect(listed(page2).name).toBe('対象と結果（21〜40 / 60 件）');
    expect(page2.buttons!.map((b) => b.label)).toContain('前へ');
    const reject = waiting.buttons!.find((b) => b.id.startsWith('ouen:reject:'))!;
    expect((await approver(commandFromComponent(reject.id)!)).text).toContain('差し戻しました');
    expect((await approver(commandFromComponent(reject.id)!)).text).toBe('この承認依頼はすでに処理されています（rejected）。');
    expect(allPushes()).toBe(0);

    // Separated duties: a member who is both staff and approver cannot approve their own draft.
    const both = as('console:both', ['staff', 'approver']);
    await both({ name: 'publish' });
    const own = (await both({ name: 'approvals' })).buttons!.find((b) => b.id.startsWith('ouen:approve:'))!;
    expect((await both(commandFromComponent(own.id)!)).text).toBe('ご自身が作成した公開依頼は承認できません。別の承認者が確認してください。');
    expect((await approver(commandFromComponent(own.id.replace('approve', 'reject'))!)).text).toContain('差し戻しました');

    await publishAndApprove('document', 60);
    expect(pushesTo(TOP15[0]!)[0]).toContain('一次審査を通過しました');
    expect(pushesTo(TOP15[0]!)[0]).toContain('二次審査（プレゼンテーション審査）は5月中旬');
    expect(pushesTo(RECEIPTS[0]!)[0]).toContain('We are sorry'); // receipt 1 reads English
    expect(pushesTo(RECEIPTS[2]!)[0]).toContain('残念ながら一次審査の通過となりませんでした');
    expect((await staff({ name: 'publish' })).text).toBe('公開する未送信の結果がありません（すでに公開済みです）。');
    expect((await staff({ name: 'applications', filter: { round: 'presentation' } })).card!.title).toBe('応募一覧（15 / 15 件）');
  }, 120_000);

  it('runs the presentation screening: a tie at the line is left to the committee, then 5 pass', async () => {
    expect((await staff({ name: 'round', action: 'open', round: 'presentation' })).text).toBe('二次審査（プレゼン）を開始しました。対象 15 件、審査員 3 名。\n採点期間（予定）: 2027-05-15 〜 2027-05-15');
    expect((await judge('judge-a')({ name: 'score', receipt: RECEIPTS[0]! })).text).toBe(`受付番号 ${RECEIPTS[0]} はこのラウンドの審査対象ではありません。`);
    // The presentation is judged face to face: judges see who presents.
    expect((await judge('judge-a')({ name: 'application', receipt: TOP15[0]! })).card!.fields).toContainEqual({ name: 'お名前', value: '応募 2' });
    // The first four clearly best; the 5th and 6th tie.
    const level = (i: number) => (i < 4 ? 10 - i : i < 6 ? 5 : 3);
    for (const [i, r] of TOP15.entries()) {
      for (const id of JUDGES) await score(id, r, { plan: level(i), presentation: level(i), regional: level(i) });
    }
    await staff({ name: 'round', action: 'close' });
    expect((await staff({ name: 'decideByRanking' })).text)
      .toBe(`13 件の結果を集計から決めました（公開前）。同点のため未決定: ${TOP15[4]}, ${TOP15[5]}（/decide で決めてください）`);
    expect((await staff({ name: 'publish' })).text).toContain(`結果が未決定の応募が 2 件あります（${TOP15[4]}, ${TOP15[5]}）`);
    expect((await staff({ name: 'decide', receipt: TOP15[4]!, outcome: 'grand' })).text).toBe('このラウンドでは「大賞」は選べません。');
    await staff({ name: 'decide', receipt: TOP15[4]!, outcome: 'pass' });
    await staff({ name: 'decide', receipt: TOP15[5]!, outcome: 'fail' });
    await publishAndApprove('presentation', 15);
    expect(pushesTo(TOP15[4]!).at(-1)).toContain('二次審査を通過し、最終審査に進みます');
    expect(pushesTo(TOP15[5]!).at(-1)).toContain('最終審査への進出となりませんでした');
  }, 60_000);

  it('runs the final: judges and the audience vote combine into one grand prize and two excellence prizes', async () => {
    const finalists = TOP15.slice(0, 5);
    expect((await staff({ name: 'round', action: 'open', round: 'final' })).text).toBe('最終審査を開始しました。対象 5 件、審査員 3 名。\n採点期間（予定）: 2027-06-12 〜 2027-06-12');
    for (const [i, r] of finalists.entries()) for (const id of JUDGES) await score(id, r, { overall: 9 - i });
    // The audience favours the second-best plan of the committee.
    for (const [i, votes] of [10, 50, 20, 5, 0].entries()) await staff({ name: 'votes', receipt: finalists[i]!, votes });
    expect((await staff({ name: 'votes', receipt: RECEIPTS[0]!, votes: 3 })).text).toBe(`受付番号 ${RECEIPTS[0]} は最終審査の対象ではありません。`);
    await staff({ name: 'round', action: 'close' });
    const ranking = await staff({ name: 'ranking' });
    expect(ranking.card!.description!.split('\n')[0]).toMatch(new RegExp(`^1位 ${finalists[1]} ・ [0-9.]+ ・ 投票 50`));
    await staff({ name: 'decideByRanking' });
    expect((await staff({ name: 'decide', receipt: finalists[3]!, outcome: 'grand' })).text).toBe('大賞はすでに 1 件決まっています。先に他の決定を変えてください。');
    await publishAndApprove('final', 5);
    expect(pushesTo(finalists[1]!).at(-1)).toContain('「ちば起業家大賞」に選ばれました');
    expect(pushesTo(finalists[0]!).at(-1)).toContain('「ちば起業家優秀賞」に選ばれました');
    expect(pushesTo(finalists[2]!).at(-1)).toContain('「ちば起業家優秀賞」に選ばれました');
    expect(pushesTo(finalists[3]!).at(-1)).toContain('受賞には至りませんでした');
    // Every applicant heard exactly once per round they were in: 60 + 15 + 5.
    expect(allPushes()).toBe(80);
    expect(await verifyAudit(h.db.prisma)).toMatchObject({ ok: true });
  }, 60_000);
});
