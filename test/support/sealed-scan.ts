/**
 * Everything a test database holds as text, sealed values opened: for tests that must
 * prove a value is stored nowhere (an Individual Number), whatever table or column it
 * might have reached.
 */
import type pg from 'pg';
import { answersContext } from '../../core/applications/application.repository.ts';
import { documentContext } from '../../core/applications/document.service.ts';
import { conversationContext } from '../../core/conversation/conversation.repository.ts';
import type { Sealer } from '../../core/crypto/sealer.ts';
import { registrationAnswersContext } from '../../core/events/event-registration-types.ts';
import { inboxContext } from '../../core/inbox/inbox.repository.ts';
import type { RoundId } from '../../core/judging/judging-config.ts';
import { commentContext } from '../../core/judging/judging.service.ts';
import { outboxContext } from '../../core/outbox/outbox.repository.ts';
import { noticeContext } from '../../core/staff-feed/staff-notice.repository.ts';

type Row = Record<string, unknown>;

/** How each sealed column's context (its additional authenticated data) is made from its row. */
const SEALED: Record<string, Record<string, (row: Row) => string>> = {
  Conversation: { stateSealed: (r) => conversationContext(String(r.participantId)) },
  Application: { answersSealed: (r) => answersContext(String(r.id)) },
  ApplicationDocument: { fileNameSealed: (r) => documentContext(String(r.applicationId), String(r.sourceMessageId)) },
  InboxEvent: { payloadSealed: (r) => inboxContext(String(r.webhookEventId)) },
  OutboxMessage: { contentSealed: (r) => outboxContext(String(r.participantId)) },
  StaffNotice: { payloadSealed: (r) => noticeContext(String(r.entityId)) },
  EventRegistration: { answersSealed: (r) => registrationAnswersContext(String(r.id)) },
  JudgingScore: { commentSealed: (r) => commentContext(r.roundId as RoundId, String(r.applicationId), String(r.judgeId)) },
};

/** Sealed columns that hold bytes a person sent as they are (a PDF), not text ouen wrote. */
const SEALED_BYTES = new Set(['ApplicationDocument.contentSealed']);

/** Every text, JSON and sealed value in the public schema, as `table.column: value` lines. */
export async function everythingStored(sql: pg.Pool, sealer: Sealer): Promise<string[]> {
  const { rows: tables } = await sql.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
  const lines: string[] = [];
  for (const { table_name: table } of tables) {
    const { rows } = await sql.query<Record<string, unknown>>(`SELECT * FROM "${table}"`);
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value instanceof Date || typeof value === 'number' || typeof value === 'boolean') continue;
        const open = SEALED[table]?.[column];
        if (open && typeof value === 'string') lines.push(`${table}.${column}: ${sealer.open(value, open(row))}`);
        else if (SEALED_BYTES.has(`${table}.${column}`)) continue;
        // A sealed column this scan cannot open would hide what it holds: name its context above.
        else if (column.endsWith('Sealed')) throw new Error(`no context known for ${table}.${column}`);
        else lines.push(`${table}.${column}: ${typeof value === 'string' ? value : JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
      }
    }
  }
  return lines;
}
