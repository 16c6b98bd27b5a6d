/**
 * Carries out a turn's effects inside its transaction, in order: the engine's own here
 * (consent, language, the human inbox), every module's through its server module's
 * handler (core/modules). Collects the audit entries, what the effects came to
 * (outcomes, for the flow's answer and the messages' fact references) and each module's
 * facts as the effects leave them.
 */
import { ENGINE_EFFECT_TYPES, type EffectBase, type EffectOutcome, type EngineEffect, type Language, type ProgramConfig } from '../flows/index.ts';
import type { ReceivedFile } from '../core/applications/document.service.ts';
import type { AuditEntry } from '../core/audit/audit-log.ts';
import { recordConsent } from '../core/consent/consent.service.ts';
import type { Sealer } from '../core/crypto/sealer.ts';
import type { SqlClient } from '../core/db/types.ts';
import { endHandoffByParticipant, forwardToStaff, openHandoff, type Exchange } from '../core/handoff/handoff.service.ts';
import type { Notification } from '../core/modules/server-module.ts';
import type { ServerRegistry } from '../core/modules/server-registry.ts';
import { setLanguage } from '../core/participants/participant.service.ts';

export interface EffectContext {
  db: SqlClient;
  sealer: Sealer;
  program: ProgramConfig;
  /** Where this server is reached from outside (ModuleScope.publicUrl). */
  publicUrl?: string;
  modules: ServerRegistry;
  participantId: string;
  actor: string;
  now: Date;
  /** Each module's facts for this participant, by module id, as loaded before the turn. */
  facts: Readonly<Record<string, unknown>>;
  files: readonly ReceivedFile[];
  /** Where modules' deferred writes go, by module id; absent: every write happens now. */
  deferred?: Map<string, unknown[]>;
  /** What the participant did this turn, as staff read it (forwarded during a handoff). */
  said?: Exchange | null;
  /** The conversation so far, for staff taking it over. */
  recent?: Exchange[];
}

export interface EffectsApplied {
  audit: AuditEntry[];
  /** What the modules' effects came to, in order, each with the module that reported it. */
  outcomes: Array<{ module: string; outcome: EffectOutcome }>;
  /** Each module's facts after the effects. */
  facts: Record<string, unknown>;
  language?: Language;
  /** Answers that were set to a new value by this turn. */
  answered: string[];
  /** Messages for other people the effects concern (pushed through the outbox). */
  notify: Notification[];
}

export async function applyEffects(effects: readonly EffectBase[], ctx: EffectContext): Promise<EffectsApplied> {
  const applied: EffectsApplied = { audit: [], outcomes: [], facts: { ...ctx.facts }, answered: [], notify: [] };
  for (const effect of effects) {
    if (isEngineEffect(effect)) {
      await applyEngineEffect(effect, ctx, applied);
      continue;
    }
    const module = ctx.modules.ownerOf(effect.type);
    const handler = module?.handlers[effect.type];
    if (!module || !handler) throw new Error(`no server module handles the effect ${effect.type}`);
    const deferred = ctx.deferred;
    const handled = await handler(effect, {
      db: ctx.db, sealer: ctx.sealer, program: ctx.program, publicUrl: ctx.publicUrl, participantId: ctx.participantId, actor: ctx.actor, now: ctx.now,
      facts: applied.facts[module.id], files: ctx.files, effects,
      defer: deferred && module.deferred ? (write: unknown) => deferred.set(module.id, [...(deferred.get(module.id) ?? []), write]) : undefined,
    });
    if (handled.facts !== undefined) applied.facts[module.id] = handled.facts;
    if (handled.outcome) applied.outcomes.push({ module: module.id, outcome: handled.outcome });
    applied.audit.push(...(handled.audit ?? []));
    applied.answered.push(...(handled.answered ?? []));
    applied.notify.push(...(handled.notify ?? []));
  }
  return applied;
}

function isEngineEffect(effect: EffectBase): effect is EngineEffect {
  return ENGINE_EFFECT_TYPES.has(effect.type);
}

async function applyEngineEffect(effect: EngineEffect, ctx: EffectContext, applied: EffectsApplied): Promise<void> {
  switch (effect.type) {
    case 'recordConsent':
      applied.audit.push(await recordConsent(ctx.db, {
        participantId: ctx.participantId, purpose: effect.purpose, noticeVersion: effect.noticeVersion,
        granted: effect.granted, at: ctx.now, actor: ctx.actor,
      }));
      return;
    case 'openHandoff': {
      // Staff get the lines without message ids (only the sealed state needs those, for unsend).
      const recent = [...(ctx.recent ?? []), ...(ctx.said ? [ctx.said] : [])].map(({ messageId: _id, ...line }) => line);
      const entry = await openHandoff(ctx.db, ctx.sealer, { participantId: ctx.participantId, reason: effect.reason, now: ctx.now, actor: ctx.actor, recent });
      if (entry) applied.audit.push(entry);
      return;
    }
    case 'forwardToStaff':
      if (ctx.said) await forwardToStaff(ctx.db, ctx.sealer, ctx.participantId, ctx.said, ctx.now);
      return;
    case 'endHandoff': {
      const entry = await endHandoffByParticipant(ctx.db, ctx.sealer, { participantId: ctx.participantId, now: ctx.now, actor: ctx.actor });
      if (entry) applied.audit.push(entry);
      return;
    }
    case 'setLanguage':
      await setLanguage(ctx.db, ctx.participantId, effect.language, ctx.now);
      applied.language = effect.language;
      applied.audit.push({
        actor: ctx.actor, action: 'participant.languageChanged', entity: 'participant', entityId: ctx.participantId,
        detail: { language: effect.language },
      });
      return;
  }
}
