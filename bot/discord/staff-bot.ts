/**
 * The Discord adapter of the staff command layer: slash commands in, ephemeral answers
 * out. Every interaction is acknowledged at once (deferred, so Discord's 3 s never run
 * out) and answered by editing that reply; the member's Discord roles become ouen roles
 * here, and the layer checks them on the server. Autocomplete answers within its own
 * 3 s with nothing rather than an error.
 */
import {
  EmbedBuilder, Events, MessageFlags, escapeMarkdown,
  type AutocompleteInteraction, type ChatInputCommandInteraction, type Client, type Interaction,
} from 'discord.js';
import type { ApplicationStatus } from '../../flows/index.ts';
import type { Logger } from '../../core/logger.ts';
import { rolesOf, type Role, type RoleMapping } from '../../core/staff/permissions.ts';
import type { StaffCommand, StaffReply, StaffRequest } from '../staff/staff-commands.ts';
import { staffText, type StaffLanguage } from '../staff/staff-messages.ts';

export interface StaffBotOptions {
  client: Client;
  roleMapping: RoleMapping;
  run: (request: StaffRequest) => Promise<StaffReply>;
  /** Receipt numbers for the `receipt` option's autocomplete. */
  suggest?: (roles: Role[], typed: string) => Promise<string[]>;
  logger: Logger;
  language?: StaffLanguage;
}

/** Starts answering staff commands; the returned function stops. */
export function attachStaffCommands(options: StaffBotOptions): () => void {
  const language = options.language ?? 'ja';
  const onInteraction = (interaction: Interaction) => {
    const work = interaction.isChatInputCommand() ? answer(interaction, options, language)
      : interaction.isAutocomplete() ? complete(interaction, options)
        : null;
    void work?.catch((error: Error) =>
      options.logger.error({ interactionId: interaction.id, err: error.name }, 'staff interaction failed'));
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
    await interaction.editReply({ content: staffText(language, 'error.generic'), embeds: [] }).catch(() => undefined);
    throw error;
  }
}

/** Autocomplete must be answered within Discord's 3 s too: a slow lookup offers nothing. */
const SUGGEST_WITHIN_MS = 2_000;

async function complete(interaction: AutocompleteInteraction, options: StaffBotOptions): Promise<void> {
  const focused = interaction.options.getFocused(true);
  let timer: NodeJS.Timeout | undefined;
  const tooSlow = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([]), SUGGEST_WITHIN_MS);
  });
  const lookup = focused.name === 'receipt' && options.suggest
    ? options.suggest(rolesOf(memberRoleIds(interaction), options.roleMapping), String(focused.value)).catch(() => [])
    : Promise.resolve([]);
  const suggestions = await Promise.race([lookup, tooSlow]).finally(() => clearTimeout(timer));
  await interaction.respond(suggestions.map((receipt) => ({ name: receipt, value: receipt })));
}

function parseCommand(interaction: ChatInputCommandInteraction): StaffCommand | null {
  switch (interaction.commandName) {
    case 'stats':
      return { name: 'stats' };
    case 'applications': {
      const status = interaction.options.getString('status') as ApplicationStatus | null;
      const municipality = interaction.options.getString('municipality');
      const workshop = interaction.options.getBoolean('workshop');
      return {
        name: 'applications',
        filter: { ...(status ? { status } : {}), ...(municipality ? { municipality } : {}), ...(workshop === null ? {} : { workshopOrigin: workshop }) },
      };
    }
    case 'application':
      return { name: 'application', receipt: interaction.options.getString('receipt', true) };
    default:
      return null;
  }
}

/** Role ids from a cached member or from the raw member Discord sent; none in a DM. */
function memberRoleIds(interaction: ChatInputCommandInteraction | AutocompleteInteraction): string[] {
  const member = interaction.member;
  if (!member) return [];
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}

/** Field values can be what participants typed: escaped, so a masked link or a mention is shown as text. */
function render(reply: StaffReply) {
  const fields = reply.card?.fields.map((f) => ({ name: f.name, value: escapeMarkdown(f.value, { heading: true, bulletedList: true, numberedList: true, maskedLink: true }) })) ?? [];
  const embeds = reply.card ? [new EmbedBuilder().setTitle(reply.card.title).setDescription(reply.card.description ?? null).addFields(fields)] : [];
  return reply.text === undefined ? { embeds } : { content: reply.text, embeds };
}
