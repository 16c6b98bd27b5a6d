/**
 * One turn of a conversation, in one transaction: lock and load the participant's state,
 * run the pure flow, carry out its effects, save the new state, write the outbox row for
 * the answer and the audit entries. Either all of it commits or none of it does.
 */
import { advance, type FlowInput, type FlowMessage, type Language } from '../../flows/index.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import { appendAudit, type AuditEntry } from '../../core/audit/audit-log.ts';
import { findApplication } from '../../core/applications/application.repository.ts';
import type { ReceivedFile } from '../../core/applications/document.service.ts';
import { loadConversation, saveConversation } from '../../core/conversation/conversation.repository.ts';
import type { Sealer } from '../../core/crypto/sealer.ts';
import type { Db, PrismaClient } from '../../core/db/types.ts';
import { createOutboxRow } from '../../core/outbox/outbox.repository.ts';
import { markInboxProcessed } from '../../core/inbox/inbox.repository.ts';
import { applyEffects } from './apply-effects.ts';
import { rememberSource } from './message-sources.ts';

export interface TurnServices {
  prisma: PrismaClient;
  sealer: Sealer;
  program: ProgramConfig;
}

export interface TurnRequest {
  participantId: string;
  input: FlowInput;
  now: Date;
  files?: ReceivedFile[];
  /** The inbox row this turn consumes; the turn is skipped if it was consumed already. */
  inboxEventId?: string;
  /** Turns the flow's messages into channel messages for the outbox row. */
  render: (messages: FlowMessage[], language: Language, facts: Record<string, string>) => unknown[];
  /** The answer is sent as a reply first; the outbox row becomes due for push after this. */
  replyWindowMs: number;
  /** Extra writes that belong to the same turn (e.g. marking a follower reachable). */
  within?: (db: Db) => Promise<AuditEntry[]>;
}

export type TurnResult =
  | { status: 'done'; rendered: unknown[]; outboxId: string | null; language: Language }
  | { status: 'duplicate' };

export async function runTurn(services: TurnServices, request: TurnRequest): Promise<TurnResult> {
  const { prisma, sealer, program } = services;
  return prisma.$transaction(async (db) => {
    if (request.inboxEventId && !(await markInboxProcessed(db, request.inboxEventId, request.now))) {
      return { status: 'duplicate' } as const;
    }
    const { state, language } = await loadConversation(db, sealer, request.participantId);
    const before = request.within ? await request.within(db) : [];
    const application = await findApplication(db, sealer, program.contest.id, request.participantId);
    const step = advance(state, request.input, { now: request.now, program, language, application });
    const outcome = await applyEffects(step.effects, {
      db, sealer, contest: program.contest, participantId: request.participantId,
      actor: `line:${request.participantId}`, now: request.now, application, files: request.files ?? [],
    });
    await saveConversation(db, sealer, request.participantId, rememberSource(state, step.state, request.input, outcome.answered));
    const finalLanguage = outcome.language ?? language;
    const rendered = request.render(step.messages, finalLanguage, outcome.facts);
    const outboxId = rendered.length === 0 ? null : await createOutboxRow(db, sealer, {
      participantId: request.participantId,
      messages: rendered,
      reason: 'reply',
      notBefore: new Date(request.now.getTime() + request.replyWindowMs),
    });
    await appendAudit(db, [...before, ...outcome.audit], request.now);
    return { status: 'done', rendered, outboxId, language: finalLanguage } as const;
  });
}
