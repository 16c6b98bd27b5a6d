/**
 * Flow messages for a participant outside their own turn (a staff member closing a
 * conversation): rendered for the channel the person is reached through.
 */
import type { ParticipantRenderer } from '../core/handoff/handoff.service.ts';
import { renderDiscordMessages } from '../channels/discord/dm-render.ts';
import { renderLineMessages } from '../channels/line/render.ts';

/** LINE quick replies for a LINE participant, Discord buttons for one in Discord DMs. */
export const renderForParticipant: ParticipantRenderer = (messages, language, channel) =>
  channel === 'discord' ? renderDiscordMessages(messages, language) : renderLineMessages(messages, language);
