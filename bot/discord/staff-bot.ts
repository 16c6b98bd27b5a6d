/**
 * The Discord adapter of the staff command layer: slash commands in, ephemeral answers
 * out. Every interaction is acknowledged at once (deferred, so Discord's 3 s never run
 * out) and answered by editing that reply; the member's Discord roles become ouen roles
 * here, and the layer checks them on the server.
 */
import { EmbedBuilder, Events, MessageFlags, type ChatInputCommandInteraction, type Client, type Interaction } from 'discord.js';
import type { Logger } from '../../core/logger.ts';
import { rolesOf, type RoleMapping } from '../../core/staff/permissions.ts';
import type { StaffCommand, StaffReply, StaffRequest } from '../staff/staff-commands.ts';
import { staffText, type StaffLanguage } from '../staff/staff-messages.ts';

export interface StaffBotOptions {
  client: Client;
  roleMapping: RoleMapping;
  run: (request: StaffRequest) => Promise<StaffReply>;
  logger: Logger;
  language?: StaffLanguage;
}

/** Starts answering staff commands; the returned function stops. */
export function attachStaffCommands(options: StaffBotOptions): () => void {
  const language = options.language ?? 'ja';
  const onInteraction = (interaction: Interaction) => {
    if (!interaction.isChatInputCommand()) return;
    void answer(interaction, options, language).catch((error: Error) =>
      options.logger.error({ interactionId: interaction.id, command: interaction.commandName, err: error.name }, 'staff command failed'));
  };
  options.client.on(Events.InteractionCreate, onInteraction);
  return () => void options.client.off(Events.InteractionCreate, onInteraction);
}

async function answer(interaction: ChatInputCommandInteraction, options: StaffBotOptions, language: StaffLanguage): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  try {
    const command = parseCommand(interaction);
    const reply = command
      ? await options.run({ actor: `discord:${interaction.user.id}`, roles: rolesOf(memberRoleIds(interaction), options.roleMapping), language, command })
      : { text: staffText(language, 'unknown.command') };
    await interaction.editReply(render(reply));
  } catch (error) {
    await interaction.editReply({ content: staffText(language, 'error.generic') }).catch(() => undefined);
    throw error;
  }
}

function parseCommand(interaction: ChatInputCommandInteraction): StaffCommand | null {
  switch (interaction.commandName) {
    case 'stats': return { name: 'stats' };
    default: return null;
  }
}

/** Role ids from a cached member or from the raw member Discord sent; none in a DM. */
function memberRoleIds(interaction: ChatInputCommandInteraction): string[] {
  const member = interaction.member;
  if (!member) return [];
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}

function render(reply: StaffReply) {
  const embeds = reply.card ? [new EmbedBuilder().setTitle(reply.card.title).addFields(reply.card.fields)] : [];
  return reply.text === undefined ? { embeds } : { content: reply.text, embeds };
}
