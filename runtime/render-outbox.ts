/**
 * An outbox row rendered at send time, for the channel the person is reached through and
 * the language they use now (core/outbox/outbox-content.ts).
 */
import type { Sealer } from '../core/crypto/sealer.ts';
import { openContent } from '../core/outbox/outbox-content.ts';
import type { OutboxDelivery } from '../core/outbox/outbox.repository.ts';
import { renderDiscordMessages } from '../channels/discord/dm-render.ts';
import { renderLineMessages } from '../channels/line/render.ts';

type Row = Pick<OutboxDelivery, 'contentSealed' | 'participantId' | 'language' | 'discordUserId'>;

/** LINE message objects for a LINE participant, Discord message bodies for one in Discord DMs. */
export function renderOutboxRow(sealer: Sealer, row: Row): unknown[] {
  const stored = openContent(sealer, row.contentSealed, row.participantId);
  // Rows from before channel-neutral content hold LINE messages; the DM sender reads their text.
  if ('renderedForLine' in stored) return stored.renderedForLine;
  const { messages, facts } = stored.content;
  return row.discordUserId
    ? renderDiscordMessages(messages, row.language, facts)
    : renderLineMessages(messages, row.language, facts);
}
