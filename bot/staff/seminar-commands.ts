/**
 * The seminar desk (DOMAIN.md §3, issue 11 §5): `/seminars` lists every seminar in
 * figures (capacity, booked, offered, waitlisted) to pick from; one seminar shows its
 * people — booked, offered, the waitlist in order — by anonymous reference, with names
 * only for roles that may see personal data (`seminars.personal`, each such view audited
 * by core/seminars/seminar-people.ts). Roles that may steer (`seminars.manage`) move
 * someone in the waitlist and change capacity, time or room, each audited by the
 * service; a time change drafts the notice to the people it concerns as an approval
 * (core/seminars/seminar-notice.ts), sent only once an approver other than the drafter
 * approves it. The roster is a CSV (`seminars.roster`, audited by the export).
 * The permission of each command was checked before these run (staff-commands.ts).
 */
import { ApprovalRefusal } from '../../core/approvals/approval-errors.ts';
import { appendAudit } from '../../core/audit/audit-log.ts';
import { clipCharacters } from '../../core/clip-text.ts';
import { offerNotifications } from '../../core/modules/seminar-notices.ts';
import { createOutboxRows } from '../../core/outbox/outbox.repository.ts';
import { changeSeminar, type ChangeOutcome, type SeminarChange } from '../../core/seminars/change-seminar.ts';
import { exportSeminarRosterCsv } from '../../core/seminars/export-seminar-roster.ts';
import { reorderWaitlist } from '../../core/seminars/reorder-waitlist.ts';
import { seminarFigures } from '../../core/seminars/seminar-figures.ts';
import { answerSeminarNotice, awaitingSeminarNotices, draftSeminarNotice, type DraftedNotice } from '../../core/seminars/seminar-notice.ts';
import { seminarPeople, type SeminarPeople } from '../../core/seminars/seminar-people.ts';
import { seminarRules } from '../../core/seminars/seminar-rules.ts';
import { authorize } from '../../core/staff/permissions.ts';
import { calendarDate, formatInstant, localTime } from '../../flows/engine/dates.ts';
import { localTimeToInstant } from '../../flows/engine/quiet-hours.ts';
import { notificationRows } from '../../runtime/notify-participants.ts';
import { componentId } from './staff-components.ts';
import { staffText, type StaffLanguage, type StaffMessageKey } from './staff-messages.ts';
import type { StaffButton, StaffCard, StaffCommand, StaffDeps, StaffReply, StaffRequest } from './staff-types.ts';

export type SeminarCommand = Extract<StaffCommand, {
  name: 'seminars' | 'seminar' | 'seminarRoster' | 'seminarMove' | 'seminarForm' | 'changeSeminar' | 'seminarNotices' | 'answerSeminarNotice';
}>;

/** Waiting people given ↑/↓ buttons: two each, within Discord's 25 with the form and roster buttons. */
const MOVE_BUTTONS_FOR = 11;
/** Lines of people shown per group, within Discord's 4,096 characters. */
const PEOPLE_LINES = 60;

export async function runSeminarCommand(deps: StaffDeps, request: StaffRequest & { command: SeminarCommand }): Promise<StaffReply> {
  const { language, command } = request;
  const t = (key: StaffMessageKey, params: Record<string, string | number> = {}) => staffText(language, key, params);
  const config = deps.program.seminars;
  if (!config) return { text: t('seminar.none') };
  if (command.name === 'seminars') return overview(deps, language);
  if (command.name === 'seminarNotices') return noticesReply(deps, language);
  if (command.name === 'answerSeminarNotice') return answerReply(deps, request, command.approvalId, command.approve);
  const seminarId = command.seminarId.trim().toLowerCase();
  const configured = config.list.find((s) => s.id === seminarId);
  if (!configured) return { text: t('seminar.unknown', { id: seminarId, ids: config.list.map((s) => s.id).join(', ') }) };
  const title = configured.title[language];
  switch (command.name) {
    case 'seminar': return detail(deps, request, seminarId);
    case 'seminarRoster': {
      const { text, rows } = await exportSeminarRosterCsv(deps.transact, deps.sealer, {
        seminarId, ...(deps.program.event ? { event: deps.program.event } : {}), actor: request.actor, now: deps.clock(), timeZone: deps.program.timeZone,
      });
      return { text: t('seminar.roster.file', { title, rows }), file: { name: `seminar-roster-${seminarId}.csv`, content: text } };
    }
    case 'seminarMove': return move(deps, request, seminarId, command.booking, command.position);
    case 'seminarForm': return form(deps, language, seminarId);
    case 'changeSeminar': return change(deps, request, seminarId, command);
  }
}

/** Every seminar in figures, each a line that opens it. */
async function overview(deps: StaffDeps, language: StaffLanguage): Promise<StaffReply> {
  const config = deps.program.seminars!;
  const figures = new Map((await seminarFigures(deps.db)).map((f) => [f.id, f]));
  const tz = deps.program.timeZone;
  const items = config.list.map((s) => {
    // Before the first sync a seminar has no row: the file's values, nobody booked.
    const f = figures.get(s.id) ?? {
      capacity: s.capacity, startsAt: new Date(s.startsAt), endsAt: new Date(s.endsAt), roomJa: s.room.ja, roomEn: s.room.en, booked: 0, offered: 0, waitlisted: 0,
    };
    const description = staffText(language, 'seminar.overview.line', {
      title: s.title[language], id: s.id, time: `${localTime(f.startsAt, tz)}–${localTime(f.endsAt, tz)}`,
      capacity: f.capacity, booked: f.booked, offered: f.offered, waitlisted: f.waitlisted,
    });
    return { value: s.id, label: clipCharacters(s.title[language], 100), description };
  });
  return {
    card: { title: staffText(language, 'seminar.overview.title'), description: items.map((i) => i.description).join('\n'), fields: [] },
    pick: { id: componentId.seminar, placeholder: staffText(language, 'seminar.overview.pick'), items: items.map((i) => ({ ...i, description: clipCharacters(i.description, 100) })) },
  };
}

async function detail(deps: StaffDeps, request: StaffRequest, seminarId: string, note?: string): Promise<StaffReply> {
  const { language, roles } = request;
  const t = (key: StaffMessageKey, params: Record<string, string | number> = {}) => staffText(language, key, params);
  const personal = authorize(roles, 'seminars.personal').allowed;
  const people = await seminarPeople(deps.transact, deps.sealer, {
    seminarId, ...(deps.program.event ? { event: deps.program.event } : {}), personal, actor: request.actor, now: deps.clock(),
  });
  if (!people) return { text: t('seminar.notSynced', { id: seminarId }) };
  const configured = deps.program.seminars!.list.find((s) => s.id === seminarId)!;
  const tz = deps.program.timeZone;
  const s = people.seminar;
  const name = (p: { name?: string }) => (p.name ? ` ${p.name}` : '');
  const group = <T>(key: StaffMessageKey, list: T[], line: (p: T) => string) => [
    t(key, { count: list.length }),
    ...(list.length === 0 ? [t('seminar.people.none')] : list.slice(0, PEOPLE_LINES).map(line)),
    ...(list.length > PEOPLE_LINES ? [t('seminar.people.more', { rest: list.length - PEOPLE_LINES })] : []),
  ];
  const lines = [
    ...(note ? [note, ''] : []),
    t('seminar.header', {
      speaker: configured.speaker[language], when: `${formatInstant(s.startsAt.toISOString(), language, tz)}–${localTime(s.endsAt, tz)}`,
      room: language === 'ja' ? s.roomJa : s.roomEn,
      capacity: s.capacity, booked: people.booked.length, offered: people.offered.length, waitlisted: people.waitlisted.length,
    }),
    ...(personal ? [] : [t('seminar.personalHidden')]),
    '',
    ...group('seminar.people.booked', people.booked, (p) => t('seminar.person', { reference: p.reference, name: name(p) })),
    ...group('seminar.people.offered', people.offered, (p) => t('seminar.person.offered', {
      reference: p.reference, name: name(p), until: formatInstant(p.expiresAt.toISOString(), language, tz),
    })),
    ...group('seminar.people.waitlisted', people.waitlisted, (p) => t('seminar.person.waiting', { position: p.position, reference: p.reference, name: name(p) })),
  ];
  return {
    card: { title: t('seminar.title', { title: configured.title[language] }), description: clipCharacters(lines.join('\n'), 4_000), quoted: true, fields: [] },
    buttons: detailButtons(request, seminarId, people),
  };
}

/** The form and the roster, then ↑/↓ for the first people waiting, each for the roles that may use them. */
function detailButtons(request: StaffRequest, seminarId: string, people: SeminarPeople): StaffButton[] {
  const { language, roles } = request;
  const t = (key: StaffMessageKey, params: Record<string, string | number> = {}) => staffText(language, key, params);
  const manage = authorize(roles, 'seminars.manage').allowed;
  const last = people.waitlisted.length;
  return [
    ...(manage ? [{ id: componentId.seminarForm(seminarId), label: t('seminar.button.change'), style: 'primary' as const }] : []),
    ...(authorize(roles, 'seminars.roster').allowed ? [{ id: componentId.seminarRoster(seminarId), label: t('seminar.button.roster'), style: 'secondary' as const }] : []),
    ...(manage ? people.waitlisted.slice(0, MOVE_BUTTONS_FOR).flatMap((p) => [
      ...(p.position > 1 ? [{ id: componentId.seminarMove(seminarId, p.bookingId, p.position - 1), label: t('seminar.button.up', { position: p.position, reference: p.reference }), style: 'secondary' as const }] : []),
      ...(p.position < last ? [{ id: componentId.seminarMove(seminarId, p.bookingId, p.position + 1), label: t('seminar.button.down', { position: p.position, reference: p.reference }), style: 'secondary' as const }] : []),
    ]) : []),
  ].slice(0, 25);
}

/** Someone waiting, named by booking id or its reference (its first 8 characters), moved to `position`. */
async function move(deps: StaffDeps, request: StaffRequest, seminarId: string, booking: string, position: number): Promise<StaffReply> {
  const t = (key: StaffMessageKey, params: Record<string, string | number> = {}) => staffText(request.language, key, params);
  const now = deps.clock();
  const outcome = await deps.transact(async (tx) => {
    // The command parser let through only a uuid or its first 8 hex digits: no LIKE wildcards.
    const matches = await tx.rows<{ id: string }>`
      SELECT "id"::text AS "id" FROM "SeminarBooking"
      WHERE "seminarId" = ${seminarId} AND "status" = 'waitlisted' AND "id"::text LIKE ${`${booking.toLowerCase()}%`}`;
    if (matches.length !== 1) return { outcome: 'notWaiting' as const, audit: [] };
    const done = await reorderWaitlist(tx, { seminarId, bookingId: matches[0]!.id, position, now, actor: request.actor });
    await appendAudit(tx, done.audit, now);
    return done;
  });
  if (outcome.outcome !== 'moved') return { text: t(`seminar.move.${outcome.outcome}`, { reference: booking.slice(0, 8) }) };
  return detail(deps, request, seminarId, t('seminar.move.moved', { reference: booking.slice(0, 8), from: outcome.from, to: outcome.to }));
}

/** The change form, filled with the seminar as it stands (times as local `YYYY-MM-DD HH:mm`). */
async function form(deps: StaffDeps, language: StaffLanguage, seminarId: string): Promise<StaffReply> {
  const t = (key: StaffMessageKey) => staffText(language, key);
  const [s] = (await seminarFigures(deps.db)).filter((f) => f.id === seminarId);
  if (!s) return { text: staffText(language, 'seminar.notSynced', { id: seminarId }) };
  const tz = deps.program.timeZone;
  const local = (at: Date) => `${calendarDate(at, tz)} ${localTime(at, tz)}`;
  return {
    modal: {
      id: componentId.changeSeminar(seminarId),
      title: clipCharacters(staffText(language, 'seminar.form.title', { id: seminarId }), 45),
      inputs: [
        { id: 'capacity', label: t('seminar.form.capacity'), value: String(s.capacity), required: true, multiline: false, maxLength: 5 },
        { id: 'start', label: t('seminar.form.start'), value: local(s.startsAt), placeholder: 'YYYY-MM-DD HH:mm', required: true, multiline: false, maxLength: 16 },
        { id: 'end', label: t('seminar.form.end'), value: local(s.endsAt), placeholder: 'YYYY-MM-DD HH:mm', required: true, multiline: false, maxLength: 16 },
        { id: 'roomJa', label: t('seminar.form.roomJa'), value: s.roomJa, required: true, multiline: false, maxLength: 200 },
        { id: 'roomEn', label: t('seminar.form.roomEn'), value: s.roomEn, required: false, multiline: false, maxLength: 200 },
      ],
    },
  };
}

type ChangeCommand = Extract<StaffCommand, { name: 'changeSeminar' }>;

/**
 * Applies what staff typed: a capacity, a start and end (`HH:mm` on the seminar's day or
 * `YYYY-MM-DD HH:mm`; a start alone keeps the length), a room (Japanese; English defaults
 * to it). One transaction: the change (audited), offers a raised capacity makes (told at
 * once: an offer is the person's own seat), and for a new time the notice to everyone
 * concerned, held for approval.
 */
async function change(deps: StaffDeps, request: StaffRequest, seminarId: string, command: ChangeCommand): Promise<StaffReply> {
  const t = (key: StaffMessageKey, params: Record<string, string | number> = {}) => staffText(request.language, key, params);
  const rules = seminarRules(deps.program)!;
  const [current] = (await seminarFigures(deps.db)).filter((f) => f.id === seminarId);
  if (!current) return { text: t('seminar.notSynced', { id: seminarId }) };
  const parsed = parseChange(deps, command, current);
  if ('refusal' in parsed) return { text: t(parsed.refusal) };
  const now = deps.clock();
  const configured = deps.program.seminars!.list.find((s) => s.id === seminarId)!;
  const done = await deps.transact(async (tx) => {
    const outcome = await changeSeminar(tx, rules, { seminarId, change: parsed.change, now, actor: request.actor });
    if (outcome.outcome !== 'changed') return { outcome, outbox: [] as string[], notice: null };
    const notifications = await offerNotifications(tx, deps.program.seminars!, deps.program.timeZone, outcome.offers);
    const outbox = await createOutboxRows(tx, deps.sealer, notificationRows(notifications, now), now);
    const moved = outcome.fields.includes('startsAt') || outcome.fields.includes('endsAt');
    const [after] = moved ? await tx.rows<{ startsAt: Date; endsAt: Date; roomJa: string; roomEn: string }>`
      SELECT "startsAt", "endsAt", "roomJa", "roomEn" FROM "Seminar" WHERE "id" = ${seminarId}` : [];
    const notice: DraftedNotice | null = after ? await draftSeminarNotice(tx, deps.sealer, {
      seminarId, title: configured.title, room: { ja: after.roomJa, en: after.roomEn },
      before: { startsAt: current.startsAt, endsAt: current.endsAt }, after: { startsAt: after.startsAt, endsAt: after.endsAt },
      timeZone: deps.program.timeZone, actor: request.actor, now,
    }) : null;
    await appendAudit(tx, [...outcome.audit, ...(notice?.audit ?? [])], now);
    return { outcome, outbox, notice };
  });
  // The schedule queue's changes (reminders at the new time, offers' expiry) are left to the
  // worker's sweep, which adds each job once due: the staff side has no schedule queue.
  await deps.release?.(done.outbox).catch(() => undefined);
  if (done.outcome.outcome !== 'changed') return { text: refusalText(request.language, done.outcome) };
  const lines = [t('seminar.change.done', { fields: done.outcome.fields.map((f) => t(`seminar.field.${f}` as StaffMessageKey)).join(t('list.join')) })];
  if (done.outbox.length > 0) lines.push(t('seminar.change.offered', { offers: done.outbox.length }));
  if (done.notice?.approvalId) lines.push(t('seminar.change.notice', { ...done.notice.people }));
  else if (done.notice) lines.push(t('seminar.change.noticeNobody'));
  if (done.notice?.superseded) lines.push(t('seminar.change.superseded'));
  return detail(deps, request, seminarId, lines.join('\n'));
}

function refusalText(language: StaffLanguage, outcome: Exclude<ChangeOutcome, { outcome: 'changed' }>): string {
  switch (outcome.outcome) {
    case 'belowHeld': return staffText(language, 'seminar.change.belowHeld', { held: outcome.held });
    case 'overlap': return staffText(language, 'seminar.change.overlap', { people: outcome.people, seminars: outcome.conflicts.join(', ') });
    default: return staffText(language, `seminar.change.${outcome.outcome}`);
  }
}

/** What staff typed, as a change; a refusal for anything malformed (nothing is changed then). */
function parseChange(
  deps: StaffDeps, command: ChangeCommand, current: { startsAt: Date; endsAt: Date; roomJa: string; roomEn: string },
): { change: SeminarChange } | { refusal: StaffMessageKey } {
  const change: SeminarChange = {};
  if (command.capacity !== undefined) {
    const text = command.capacity.normalize('NFKC').trim();
    if (!/^\d{1,5}$/.test(text) || Number(text) > 10_000) return { refusal: 'seminar.change.badCapacity' };
    change.capacity = Number(text);
  }
  const tz = deps.program.timeZone;
  const day = calendarDate(current.startsAt, tz);
  const instant = (text: string) => {
    const typed = text.normalize('NFKC').trim();
    return localTimeToInstant(/^\d{1,2}:\d{2}$/.test(typed) ? `${day} ${typed.padStart(5, '0')}` : typed, tz);
  };
  if (command.start !== undefined) {
    const startsAt = instant(command.start);
    if (!startsAt) return { refusal: 'seminar.change.badTime' };
    change.startsAt = startsAt;
    change.endsAt = new Date(startsAt.getTime() + current.endsAt.getTime() - current.startsAt.getTime());
  }
  if (command.end !== undefined) {
    const endsAt = instant(command.end);
    if (!endsAt) return { refusal: 'seminar.change.badTime' };
    change.endsAt = endsAt;
  }
  if (change.startsAt && change.startsAt.getTime() <= deps.clock().getTime()) return { refusal: 'seminar.change.past' };
  if (command.roomJa !== undefined) {
    const ja = command.roomJa.trim();
    const en = command.roomEn?.trim() || ja;
    if (!ja || ja.length > 200 || en.length > 200) return { refusal: 'seminar.change.badRoom' };
    change.room = { ja, en };
  }
  return { change };
}

/** Seminar notices awaiting the approver, each with the text people booked will read. */
async function noticesReply(deps: StaffDeps, language: StaffLanguage): Promise<StaffReply> {
  const waiting = await awaitingSeminarNotices(deps.db, deps.sealer);
  if (waiting.length === 0) return { text: staffText(language, 'seminar.notice.none') };
  const title = (id: string) => deps.program.seminars?.list.find((s) => s.id === id)?.title[language] ?? id;
  const cards: StaffCard[] = waiting.map((n) => ({
    title: clipCharacters(staffText(language, 'seminar.notice.title', { title: title(n.seminarId) }), 256),
    fields: [
      { name: staffText(language, 'seminar.notice.recipients'), value: String(n.messages) },
      { name: staffText(language, 'broadcast.preview.draftedBy'), value: n.draftedBy },
      { name: staffText(language, 'broadcast.preview.ja'), value: clipCharacters(n.text.ja, 1000) },
      { name: staffText(language, 'broadcast.preview.en'), value: clipCharacters(n.text.en, 1000) },
    ],
  }));
  return {
    cards,
    buttons: waiting.flatMap((n) => [
      { id: componentId.approveSeminarNotice(n.approvalId), label: clipCharacters(`${staffText(language, 'broadcast.button.approve')}（${title(n.seminarId)}）`, 80), style: 'success' as const },
      { id: componentId.rejectSeminarNotice(n.approvalId), label: clipCharacters(`${staffText(language, 'broadcast.button.reject')}（${title(n.seminarId)}）`, 80), style: 'danger' as const },
    ]),
  };
}

async function answerReply(deps: StaffDeps, request: StaffRequest, approvalId: string, approve: boolean): Promise<StaffReply> {
  const t = (key: StaffMessageKey, params: Record<string, string | number> = {}) => staffText(request.language, key, params);
  try {
    const answered = await answerSeminarNotice({ ...deps, separateDuties: deps.program.judging.separateDuties, ...(deps.quota ? { quota: deps.quota } : {}) },
      { actor: request.actor, roles: request.roles }, approvalId, approve);
    await deps.release?.(answered.released).catch(() => undefined);
    return approve
      ? { text: t('seminar.notice.approved', { messages: answered.released.length, skipped: answered.skipped }) }
      : { text: t('seminar.notice.rejected', { discarded: answered.discarded }) };
  } catch (error) {
    if (error instanceof ApprovalRefusal) return { text: t(`broadcast.refused.${error.code}` as StaffMessageKey, error.params) };
    throw error;
  }
}
