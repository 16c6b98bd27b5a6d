/**
 * Messages for people other than the one whose turn it is (someone promoted from the
 * waitlist): rendered for each one's channel and language, as outbox rows written in the
 * same transaction as the change that caused them. The worker pushes them (its sweep
 * takes due rows within seconds).
 */
import type { SqlClient } from '../core/db/types.ts';
import type { Notification } from '../core/modules/server-module.ts';
import type { NewOutboxRow } from '../core/outbox/outbox.repository.ts';
import { participantChannels } from '../core/participants/participant.service.ts';
import { renderForParticipant } from './participant-renderer.ts';

export async function notificationRows(db: SqlClient, notifications: readonly Notification[], now: Date): Promise<NewOutboxRow[]> {
  if (notifications.length === 0) return [];
  const reach = await participantChannels(db, [...new Set(notifications.map((n) => n.participantId))]);
  return notifications.flatMap((n) => {
    const person = reach.get(n.participantId);
    if (!person) return [];
    return [{ participantId: n.participantId, messages: renderForParticipant(n.messages, person.language, person.channel), reason: n.reason, notBefore: now }];
  });
}
