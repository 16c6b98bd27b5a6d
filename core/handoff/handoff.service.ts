/**
 * The human inbox: a participant handed over to a person. Opening and forwarding run
 * inside the participant's turn (runtime/apply-effects.ts); replying and closing are
 * staff commands. Staff answers go out through the outbox like every message; while a
 * handoff is open the flows stay silent (flows/engine/advance.ts). The guard index
 * keeps one open handoff per participant.
 */
import { randomUUID } from 'node:crypto';
import { mainMenu, type Exchange, type FlowMessage, type Text } from '../../flows/index.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import { containsMyNumber } from '../../flows/validators/my-number.ts';
import type { Language } from '../../flows/index.ts';
import { appendAudit, type AuditEntry } from '../audit/audit-log.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type * as tables from '../db/tables.ts';
import type { SqlClient, Transact } from '../db/types.ts';
import { serverModules } from '../modules/server-modules.ts';
import { loadModuleFacts } from '../modules/server-registry.ts';
import { createOutboxRows } from '../outbox/outbox.repository.ts';
import { flowContent, literalText } from '../outbox/outbox-content.ts';
import { noticeContext, recordNotices } from '../staff-feed/staff-notice.repository.ts';
import { signedReply, type InboxConfig } from './handoff-config.ts';

/** A line of the recent conversation (flows/engine/types.ts). */
export type { Exchange };

/** Opens a handoff unless one is open; the staff feed gets the recent conversation. */
export async function openHandoff(
  db: SqlClient, sealer: Sealer, options: { participantId: string; reason: 'asked' | 'misunderstood'; now: Date; actor: string; recent: Exchange[] },
): Promise<AuditEntry | null> {
  const [row] = await db.rows<Pick<tables.Handoff, 'id'>>`
    INSERT INTO "Handoff" ("id", "participantId", "status", "reason", "openedAt")
    VALUES (${randomUUID()}::uuid, ${options.participantId}::uuid, 'open', ${options.reason}, ${options.now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
    ON CONFLICT ("participantId") WHERE "status" = 'open' DO NOTHING
    RETURNING "id"::text AS "id"`;
  if (!row) return null;
  await recordNotices(db, sealer, [{ kind: 'handoff.opened', entityId: row.id, detail: { reason: options.reason }, payload: { recent: options.recent } }], options.now);
  return { actor: options.actor, action: 'handoff.opened', entity: 'handoff', entityId: row.id, detail: { reason: options.reason } };
}

/** Passes what the participant sent (`now`) on to the person who has the conversation. */
export async function forwardToStaff(db: SqlClient, sealer: Sealer, participantId: string, said: Exchange, now: Date): Promise<void> {
  const [open] = await db.rows<Pick<tables.Handoff, 'id'>>`
    SELECT "id"::text AS "id" FROM "Handoff" WHERE "participantId" = ${participantId}::uuid AND "status" = 'open'`;
  if (open) await recordNotices(db, sealer, [{ kind: 'handoff.message', entityId: open.id, payload: { text: said.text, kind: said.kind } }], now);
}

/** The participant ends the conversation with staff themselves (「相談を終える」); staff see it in the thread. */
export async function endHandoffByParticipant(db: SqlClient, sealer: Sealer, options: { participantId: string; now: Date; actor: string }): Promise<AuditEntry | null> {
  const [row] = await db.rows<Pick<tables.Handoff, 'id'>>`
    UPDATE "Handoff" SET "status" = 'closed', "closedAt" = ${options.now.toISOString()}::timestamptz AT TIME ZONE 'UTC', "closedBy" = ${options.actor}
    WHERE "participantId" = ${options.participantId}::uuid AND "status" = 'open'
    RETURNING "id"::text AS "id"`;
  if (!row) return null;
  await recordNotices(db, sealer, [{ kind: 'handoff.closed', entityId: row.id, detail: { by: 'participant' } }], options.now);
  return { actor: options.actor, action: 'handoff.closed', entity: 'handoff', entityId: row.id, detail: { by: 'participant' } };
}

export interface HandoffDeps {
  db: SqlClient;
  transact: Transact;
  sealer: Sealer;
  inbox: InboxConfig;
  program: ProgramConfig;
  clock: () => Date;
}

export class HandoffRefusal extends Error {
  constructor(readonly code: 'notFound' | 'closed' | 'empty' | 'myNumber') {
    super(`handoff refused: ${code}`);
    this.name = 'HandoffRefusal';
  }
}

/** Longest staff answer: LINE's text message holds 5,000 characters, the signature needs some. */
export const REPLY_MAX_CHARS = 4_000;

/** A staff answer to an open handoff, signed per configuration, into the outbox; returns the outbox id. */
export async function replyToHandoff(deps: HandoffDeps, staff: { actor: string; displayName: string }, handoffId: string, text: string): Promise<string> {
  const trimmed = text.trim();
  if (trimmed === '' || Array.from(trimmed).length > REPLY_MAX_CHARS) throw new HandoffRefusal('empty');
  // Staff never send an Individual Number either: the program may not hold one, and the outbox would.
  if (containsMyNumber(trimmed)) throw new HandoffRefusal('myNumber');
  const now = deps.clock();
  return deps.transact(async (tx) => {
    const handoff = await lockHandoff(tx, handoffId, deps.program.contest.id);
    if (handoff.status !== 'open') throw new HandoffRefusal('closed');
    // Signed in both languages: the signature follows the language the person reads it in.
    const content = literalText({ ja: signedReply(deps.inbox, trimmed, staff.displayName, 'ja'), en: signedReply(deps.inbox, trimmed, staff.displayName, 'en') });
    const [id] = await createOutboxRows(tx, deps.sealer, [{
      participantId: handoff.participantId, content, kind: 'staff-reply', about: { entity: 'handoff', id: handoffId }, notBefore: now,
    }], now);
    await appendAudit(tx, [{ actor: staff.actor, action: 'handoff.replied', entity: 'handoff', entityId: handoffId, detail: { characters: Array.from(trimmed).length } }], now);
    return id!;
  });
}

/** Ends a handoff: the participant is told, and the bot answers them again; returns the outbox id. */
export async function closeHandoff(deps: HandoffDeps, staff: { actor: string; displayName: string }, handoffId: string): Promise<string> {
  const now = deps.clock();
  return deps.transact(async (tx) => {
    const handoff = await lockHandoff(tx, handoffId, deps.program.contest.id);
    if (handoff.status !== 'open') throw new HandoffRefusal('closed');
    await tx.run`
      UPDATE "Handoff" SET "status" = 'closed', "closedAt" = ${now.toISOString()}::timestamptz AT TIME ZONE 'UTC', "closedBy" = ${staff.actor}
      WHERE "id" = ${handoffId}::uuid`;
    const [id] = await createOutboxRows(tx, deps.sealer, [{
      participantId: handoff.participantId, content: flowContent(await closingMessages(tx, deps, handoff, now)), kind: 'handoff-closed',
      about: { entity: 'handoff', id: handoffId }, notBefore: now,
    }], now);
    await recordNotices(tx, deps.sealer, [{ kind: 'handoff.closed', entityId: handoffId, detail: { by: staff.displayName } }], now);
    await appendAudit(tx, [{ actor: staff.actor, action: 'handoff.closed', entity: 'handoff', entityId: handoffId }], now);
    return id!;
  });
}

interface LockedHandoff extends Pick<tables.Handoff, 'participantId' | 'status'> {
  language: Language;
  channel: 'line' | 'discord';
  /** The participant has an unfinished application for the program's contest. */
  hasDraft: boolean;
}

async function lockHandoff(tx: SqlClient, handoffId: string, contestId: string): Promise<LockedHandoff> {
  type Row = Pick<tables.Handoff, 'participantId' | 'status'> & Pick<tables.Participant, 'language'> & tables.Computed<{ discord: boolean; hasDraft: boolean }>;
  const [row] = await tx.rows<Row>`
    SELECT h."participantId"::text AS "participantId", h."status"::text AS "status", p."language", p."discordUserId" IS NOT NULL AS "discord",
           EXISTS (SELECT 1 FROM "Application" a WHERE a."participantId" = h."participantId" AND a."contestId" = ${contestId} AND a."status" = 'draft') AS "hasDraft"
    FROM "Handoff" h JOIN "Participant" p ON p."id" = h."participantId"
    WHERE h."id" = ${handoffId}::uuid
    FOR UPDATE OF h`;
  if (!row) throw new HandoffRefusal('notFound');
  return { ...row, language: row.language === 'en' ? 'en' : 'ja', channel: row.discord ? 'discord' : 'line' };
}

/** The goodbye with the menu as buttons (as the person's facts make it now), and a word about the application left unfinished. */
async function closingMessages(tx: SqlClient, deps: HandoffDeps, handoff: LockedHandoff, now: Date): Promise<FlowMessage[]> {
  const lead: Text = { join: [{ key: 'handoff.closed' }, ...(handoff.hasDraft ? [{ key: 'handoff.closed.draft' as const }] : [])] };
  const factsOf = await loadModuleFacts(tx, serverModules, deps, [handoff.participantId]);
  return [mainMenu({ now, program: deps.program, language: handoff.language, facts: factsOf(handoff.participantId) }, lead)];
}

export interface HandoffView extends Pick<tables.Handoff, 'id' | 'status' | 'reason' | 'openedAt'> {
  /** A short, stable label for the participant (no name: LINE gives us none we keep). */
  participant: string;
  language: Language;
  /** Whom the handoff is about (staff screens look up their application's state with it). */
  participantId: tables.Handoff['participantId'];
  /** What was said before the handoff and since, oldest first. */
  exchanges: Exchange[];
}

/** One handoff with its conversation, from the staff feed's sealed notices. */
export async function findHandoff(db: SqlClient, sealer: Sealer, handoffId: string): Promise<HandoffView | null> {
  const [row] = await db.rows<Pick<tables.Handoff, 'id' | 'status' | 'reason' | 'openedAt' | 'participantId'> & Pick<tables.Participant, 'language'>>`
    SELECT h."id"::text AS "id", h."status"::text AS "status", h."reason", h."openedAt", h."participantId"::text AS "participantId", p."language"
    FROM "Handoff" h JOIN "Participant" p ON p."id" = h."participantId"
    WHERE h."id" = ${handoffId}::uuid`;
  if (!row) return null;
  const notices = await db.rows<Pick<tables.StaffNotice, 'kind' | 'payloadSealed'>>`
    SELECT "kind", "payloadSealed" FROM "StaffNotice" WHERE "entityId" = ${handoffId}::uuid AND "payloadSealed" IS NOT NULL ORDER BY "id"`;
  const exchanges = notices.flatMap((n): Exchange[] => {
    const payload = sealer.openJson<{ recent?: Exchange[]; text?: string }>(n.payloadSealed!, noticeContext(handoffId));
    const kind = (payload as { kind?: Exchange['kind'] }).kind;
    return n.kind === 'handoff.opened' ? payload.recent ?? [] : [{ from: 'participant', text: payload.text ?? '', ...(kind ? { kind } : {}) }];
  });
  const { language, ...rest } = row;
  return { ...rest, participant: participantLabel(row.participantId), language: language === 'en' ? 'en' : 'ja', exchanges };
}

/** Handoffs still open, oldest first: the console's inbox. */
export async function openHandoffIds(db: SqlClient): Promise<string[]> {
  const rows = await db.rows<Pick<tables.Handoff, 'id'>>`SELECT "id"::text AS "id" FROM "Handoff" WHERE "status" = 'open' ORDER BY "openedAt" LIMIT 50`;
  return rows.map((r) => r.id);
}

export function participantLabel(participantId: string): string {
  return `#${participantId.slice(0, 8)}`;
}
