/**
 * The append-only, hash-chained audit log. Each row's hash covers its content and the
 * previous row's hash, so altering or deleting any row breaks the chain from there on;
 * a database trigger refuses UPDATE and DELETE outright. Rows never hold personal data:
 * `detail` carries ids, statuses and field names, never values.
 */
import { createHash } from 'node:crypto';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** Any fixed number serialises appenders; it only has to differ from other advisory locks here. */
const AUDIT_CHAIN_LOCK = 0x6f75656e;

export interface AuditEntry {
  /** `system`, `line:<participant id>`, `discord:<Discord user id>` (staff), `cli:<os user>`. */
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  detail?: Record<string, unknown>;
}

export interface AuditRow extends Required<AuditEntry> {
  at: Date;
  prevHash: string;
  hash: string;
}

/**
 * Appends entries inside the caller's transaction. Call it last before commit: the chain
 * lock is held until the transaction ends, so the shorter the rest, the more throughput.
 */
export async function appendAudit(tx: SqlClient, entries: AuditEntry[], at: Date): Promise<void> {
  if (entries.length === 0) return;
  await tx.run`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
  const last = await tx.rows<Pick<tables.AuditLog, 'hash'>>`SELECT "hash" FROM "AuditLog" ORDER BY "id" DESC LIMIT 1`;
  let prevHash = last[0]?.hash ?? GENESIS_HASH;
  const rows: AuditRow[] = [];
  for (const entry of entries) {
    const row = { ...entry, detail: entry.detail ?? {}, at, prevHash, hash: '' };
    row.hash = auditHash(row);
    rows.push(row);
    prevHash = row.hash;
  }
  const column = <K extends keyof AuditRow>(key: K) => rows.map((r) => r[key]);
  await tx.run`
    INSERT INTO "AuditLog" ("at", "actor", "action", "entity", "entityId", "detail", "prevHash", "hash")
    SELECT ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC', u."actor", u."action", u."entity", u."entityId", u."detail"::jsonb, u."prevHash", u."hash"
    FROM unnest(${column('actor')}::text[], ${column('action')}::text[], ${column('entity')}::text[], ${column('entityId')}::text[],
                ${rows.map((r) => JSON.stringify(r.detail))}::text[], ${column('prevHash')}::text[], ${column('hash')}::text[])
      WITH ORDINALITY AS u("actor", "action", "entity", "entityId", "detail", "prevHash", "hash", "position")
    ORDER BY u."position"`;
}

/** The hash of one row: its content in a fixed order, then the previous hash. */
export function auditHash(row: Omit<AuditRow, 'hash'>): string {
  const content = [
    row.prevHash, row.at.toISOString(), row.actor, row.action, row.entity, row.entityId, canonicalJson(row.detail),
  ].join('\u001f');
  return createHash('sha256').update(content).digest('hex');
}

/** JSON with object keys sorted, so the same detail always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
