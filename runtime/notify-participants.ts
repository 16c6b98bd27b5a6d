/**
 * Messages for people other than the one whose turn it is (someone promoted from the
 * waitlist), as outbox rows written in the same transaction as the change that caused
 * them; the worker renders them for each one's channel and language and pushes them.
 */
import type { Notification } from '../core/modules/server-module.ts';
import { flowContent } from '../core/outbox/outbox-content.ts';
import type { NewOutboxRow } from '../core/outbox/outbox.repository.ts';

export function notificationRows(notifications: readonly Notification[], now: Date): NewOutboxRow[] {
  return notifications.map((n) => ({ participantId: n.participantId, content: flowContent(n.messages), kind: n.kind, about: n.about, notBefore: now }));
}
