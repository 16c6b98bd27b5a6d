/**
 * The staff command layer, whatever the channel: Discord slash commands today, the
 * console's staff panel later. A request names who asks (with their ouen roles) and
 * what; the layer checks the permission on the server, audits refusals, and answers
 * with channel-neutral content that an adapter renders (bot/discord/).
 */
import { appendAudit } from '../../core/audit/audit-log.ts';
import type { SqlDb, Transact } from '../../core/db/types.ts';
import { authorize, denialAudit, type Action, type Role } from '../../core/staff/permissions.ts';
import { collectStats } from '../../core/stats/collect-stats.ts';
import { staffText, type StaffLanguage } from './staff-messages.ts';

export type StaffCommand = { name: 'stats' };

export interface StaffRequest {
  /** `discord:<user id>` or `console:<name>`: the audit log's actor. */
  actor: string;
  roles: Role[];
  language: StaffLanguage;
  command: StaffCommand;
}

/** A reply for the asker alone (an ephemeral message in Discord). */
export interface StaffReply {
  text?: string;
  card?: { title: string; fields: Array<{ name: string; value: string }> };
}

export interface StaffDeps {
  db: SqlDb;
  transact: Transact;
  contestId: string;
  clock: () => Date;
}

const permissionFor: Record<StaffCommand['name'], Action> = {
  stats: 'stats.view',
};

export async function runStaffCommand(deps: StaffDeps, request: StaffRequest): Promise<StaffReply> {
  const decision = authorize(request.roles, permissionFor[request.command.name]);
  if (!decision.allowed) {
    await deps.transact((tx) => appendAudit(tx, [denialAudit(request.actor, permissionFor[request.command.name], decision.reason)], deps.clock()));
    return { text: staffText(request.language, `denied.${decision.reason}`) };
  }
  switch (request.command.name) {
    case 'stats':
      return statsReply(deps, request.language);
  }
}

async function statsReply(deps: StaffDeps, language: StaffLanguage): Promise<StaffReply> {
  const stats = await collectStats(deps.db, deps.contestId);
  const field = (name: 'applications' | 'participants' | 'outbox', params: Record<string, number>) => ({
    name: staffText(language, `stats.${name}`), value: staffText(language, `stats.values.${name}`, params),
  });
  return {
    card: {
      title: staffText(language, 'stats.title'),
      fields: [
        field('applications', stats.applications!),
        field('participants', { ...stats.participants!, ...stats.consents! }),
        field('outbox', stats.outbox!),
      ],
    },
  };
}
