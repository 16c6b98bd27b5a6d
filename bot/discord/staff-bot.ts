/**
 * The Discord adapter of the staff command layer: slash commands in, ephemeral answers
 * out. Every interaction is acknowledged at once (deferred, so Discord's 3 s never run
 * out) and answered by editing that reply; the member's Discord roles become ouen roles
 * here, and the layer checks them on the server. Autocomplete answers within its own
 * 3 s with nothing rather than an error.
 */
import {
  ActionRowBuilder, Events, MessageFlags, ModalBuilder, TextInputBuilder, TextInputStyle,
  type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction, type Client, type Interaction,
  type ModalSubmitInteraction, type StringSelectMenuInteraction,
} from 'discord.js';
import type { ApplicationStatus } from '../../flows/index.ts';
import type { Logger } from '../../core/logger.ts';
import { errorFields } from '../../core/error-fields.ts';
import type { RoundId } from '../../core/judging/judging-config.ts';
import { rolesOf, type Role, type RoleMapping } from '../../core/staff/permissions.ts';
import { commandFromComponent, segmentParams, seminarIdSchema, waitingReference } from '../staff/staff-components.ts';
import type { StaffCommand, StaffModal, StaffReply, StaffRequest } from '../staff/staff-types.ts';
import { CONTENT_CHARS, render } from '../../channels/discord/staff/render-staff-reply.ts';
import { staffText, type StaffLanguage } from '../staff/staff-messages.ts';
import { clipCharacters } from '../../core/clip-text.ts';

export interface StaffBotOptions {
  client: Client;
  roleMapping: RoleMapping;
  run: (request: StaffRequest) => Promise<StaffReply>;
  /** Receipt numbers for the `receipt` option's autocomplete. */
  suggest?: (roles: Role[], typed: string) => Promise<string[]>;
  logger: Logger;
  language?: StaffLanguage;
  /** With several ouen processes on one bot, only the one that claims an interaction answers it. */
  claim?: (eventId: string) => Promise<boolean>;
}

/** Starts answering staff commands, buttons and forms; the returned function stops. */
export function attachStaffCommands(options: StaffBotOptions): () => void {
  const language = options.language ?? 'ja';
  const onInteraction = (interaction: Interaction) => {
    // Participants' clicks in DMs and `/preview` belong to the DM flows (dm-participants.ts).
    if ((interaction.isMessageComponent() || interaction.isModalSubmit()) && interaction.customId.startsWith('ouen:flow:')) return;
    if (interaction.isChatInputCommand() && interaction.commandName === 'preview') return;
    const work = interaction.isChatInputCommand() ? answer(interaction, parseCommand(interaction), options, language)
      : interaction.isButton() ? answer(interaction, commandFromComponent(interaction.customId), options, language)
        : interaction.isStringSelectMenu() ? answer(interaction, commandFromComponent(interaction.customId, { value: interaction.values[0] ?? '' }), options, language)
        : interaction.isModalSubmit() ? answer(interaction, commandFromComponent(interaction.customId, modalValues(interaction)), options, language)
          : interaction.isAutocomplete() ? complete(interaction, options)
            : null;
    void work?.catch((error: unknown) =>
      options.logger.error({ interactionId: interaction.id, err: errorFields(error) }, 'staff interaction failed'));
  };
  options.client.on(Events.InteractionCreate, onInteraction);
  return () => void options.client.off(Events.InteractionCreate, onInteraction);
}

type Answerable = ChatInputCommandInteraction | ButtonInteraction | StringSelectMenuInteraction | ModalSubmitInteraction;

/** Commands that answer with a form (a modal): the answer form, and a page of the scoring form (`/score` itself answers with the criteria). */
function opensForm(command: StaffCommand): boolean {
  return command.name === 'replyForm' || command.name === 'broadcastForm' || command.name === 'seminarForm' || (command.name === 'score' && command.page !== undefined);
}

/** How the member is named in their signature: server nickname, then display name, then user name. */
function displayNameOf(interaction: Answerable): string {
  const member = interaction.member;
  if (member && 'displayName' in member) return member.displayName;
  return (member && 'nick' in member ? member.nick : null) ?? interaction.user.globalName ?? interaction.user.username;
}

/** A form must be Discord's first answer, so a command that opens one is answered within this, not deferred. */
const FORM_WITHIN_MS = 2_500;

async function answer(interaction: Answerable, command: StaffCommand | null, options: StaffBotOptions, language: StaffLanguage): Promise<void> {
  // With several processes on one bot, one claims the interaction; if the claim cannot be
  // made (the database is away) this process answers: a second answer fails harmlessly.
  const claimed = () => (options.claim ? options.claim(`discord:${interaction.id}`).catch(() => true) : Promise.resolve(true));
  const request = (c: StaffCommand): StaffRequest => ({
    actor: `discord:${interaction.user.id}`, roles: rolesOf(memberRoleIds(interaction), options.roleMapping), language, command: c,
    displayName: displayNameOf(interaction),
  });
  if (command && opensForm(command) && !interaction.isModalSubmit()) {
    // Opening a form: Discord shows a modal only as the first answer, so no defer.
    const work = (async () => ((await claimed()) ? options.run(request(command)) : 'not-ours' as const))();
    const reply = await withinTime(work.catch((error: unknown) => {
      options.logger.error({ interactionId: interaction.id, err: errorFields(error) }, 'staff form failed');
      return null;
    }), FORM_WITHIN_MS);
    if (reply === 'not-ours') return;
    if (reply?.modal) await interaction.showModal(modal(reply.modal));
    else await interaction.reply({ ...render(reply ?? { text: staffText(language, 'error.generic') }, language), flags: MessageFlags.Ephemeral });
    return;
  }
  if (!await claimed()) return;
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  try {
    const reply = command ? await options.run(request(command)) : { text: staffText(language, 'unknown.command') };
    await interaction.editReply(render(reply, language));
    // For everyone where it was asked, e.g. a staff answer in the handoff's thread. Its
    // failure must not turn the member's "sent" into an error: the answer did go out.
    if (reply.announce) {
      await interaction.followUp({ content: clipCharacters(reply.announce, CONTENT_CHARS), allowedMentions: { parse: [] } })
        .catch((error: unknown) => options.logger.warn({ interactionId: interaction.id, err: errorFields(error) }, 'staff announce failed'));
    }
  } catch (error) {
    await interaction.editReply({ content: staffText(language, 'error.generic'), embeds: [], components: [], files: [] }).catch(() => undefined);
    throw error;
  }
}

function withinTime<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** What was typed into a form, by input id. */
function modalValues(interaction: ModalSubmitInteraction): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [id, field] of interaction.fields.fields) if ('value' in field && typeof field.value === 'string') values[id] = field.value;
  return values;
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
        filter: {
          ...(status ? { status } : {}), ...(municipality ? { municipality } : {}), ...(workshop === null ? {} : { workshopOrigin: workshop }), ...round(),
        },
      };
    }
    case 'application':
      return { name: 'application', receipt: interaction.options.getString('receipt', true) };
    case 'round':
      return { name: 'round', action: interaction.options.getSubcommand(true) as 'open' | 'close' | 'status', ...round() };
    case 'score':
      return { name: 'score', receipt: interaction.options.getString('receipt', true) };
    case 'recuse':
      return { name: 'recuse', receipt: interaction.options.getString('receipt', true), undo: interaction.options.getBoolean('undo') ?? false };
    case 'progress':
    case 'ranking':
    case 'scores':
    case 'publish':
      return { name: interaction.commandName, ...round() };
    case 'decide':
      return { name: 'decide', receipt: interaction.options.getString('receipt', true), outcome: interaction.options.getString('outcome', true), ...round() };
    case 'decide-all':
      return { name: 'decideByRanking', ...round() };
    case 'approvals':
      return { name: 'approvals' };
    case 'inbox':
      return { name: 'inbox' };
    case 'votes':
      return { name: 'votes', receipt: interaction.options.getString('receipt', true), votes: interaction.options.getInteger('votes', true) };
    case 'deliveries':
      return { name: 'deliveries' };
    case 'event':
      return interaction.options.getBoolean('roster') ? { name: 'eventRoster' } : { name: 'event' };
    case 'booth': {
      const booth = interaction.options.getString('booth');
      if (booth && interaction.options.getBoolean('roster')) return { name: 'boothRoster', boothId: booth };
      return booth ? { name: 'booth', boothId: booth } : { name: 'booth' };
    }
    case 'seminars':
      return seminarsCommand(interaction);
    case 'help':
      return { name: 'help' };
    case 'broadcast':
      return broadcastCommand(interaction);
    default:
      return null;
  }

  function round(): { round?: RoundId } {
    const value = interaction.options.getString('round');
    return value === 'document' || value === 'presentation' || value === 'final' ? { round: value } : {};
  }
}

/** `/broadcast draft|list|reports`; a draft's one segment parameter is the round (round) or the status (applicants). */
function broadcastCommand(interaction: ChatInputCommandInteraction): StaffCommand | null {
  const sub = interaction.options.getSubcommand(true);
  if (sub === 'list') return { name: 'broadcasts' };
  if (sub === 'reports') return { name: 'sendReports' };
  if (sub !== 'draft') return null;
  const segment = interaction.options.getString('segment', true);
  const param = segment === 'round' ? interaction.options.getString('round') : segment === 'applicants' ? interaction.options.getString('status') : null;
  const sendAt = interaction.options.getString('send_at');
  return { name: 'broadcastForm', segment: { id: segment, params: segmentParams(segment, param ?? undefined) }, ...(sendAt ? { sendAt } : {}) };
}

/**
 * `/seminars list|show|roster|move|capacity|time|room`. Option values are checked by zod
 * here (ids, references, positions) and in seminar-commands.ts (seats, times, rooms), where
 * a bad value gets its own answer.
 */
function seminarsCommand(interaction: ChatInputCommandInteraction): StaffCommand | null {
  const sub = interaction.options.getSubcommand(true);
  if (sub === 'list') return { name: 'seminars' };
  const seminarId = seminarIdSchema.safeParse(interaction.options.getString('seminar')?.trim().toLowerCase());
  if (!seminarId.success) return null;
  const id = seminarId.data;
  switch (sub) {
    case 'show': return { name: 'seminar', seminarId: id };
    case 'roster': return { name: 'seminarRoster', seminarId: id };
    case 'move': {
      const booking = waitingReference.safeParse(interaction.options.getString('waiting')?.trim());
      const position = interaction.options.getInteger('position');
      return booking.success && position !== null ? { name: 'seminarMove', seminarId: id, booking: booking.data, position } : null;
    }
    case 'capacity': {
      const seats = interaction.options.getInteger('seats');
      return seats === null ? null : { name: 'changeSeminar', seminarId: id, capacity: String(seats) };
    }
    case 'time': {
      const start = interaction.options.getString('start');
      const end = interaction.options.getString('end');
      return start ? { name: 'changeSeminar', seminarId: id, start, ...(end ? { end } : {}) } : null;
    }
    case 'room': {
      const ja = interaction.options.getString('room');
      const en = interaction.options.getString('room_en');
      return ja ? { name: 'changeSeminar', seminarId: id, roomJa: ja, ...(en ? { roomEn: en } : {}) } : null;
    }
    default: return null;
  }
}

/** Role ids from a cached member or from the raw member Discord sent; none in a DM. */
export function memberRoleIds(interaction: Answerable | AutocompleteInteraction | ChatInputCommandInteraction): string[] {
  const member = interaction.member;
  if (!member) return [];
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}

function modal(form: StaffModal): ModalBuilder {
  return new ModalBuilder().setCustomId(form.id).setTitle(form.title).addComponents(form.inputs.map((input) => {
    const field = new TextInputBuilder().setCustomId(input.id).setLabel(input.label).setRequired(input.required)
      .setStyle(input.multiline ? TextInputStyle.Paragraph : TextInputStyle.Short).setMaxLength(input.maxLength);
    if (input.value !== undefined) field.setValue(input.value);
    if (input.placeholder !== undefined) field.setPlaceholder(input.placeholder);
    return new ActionRowBuilder<TextInputBuilder>().addComponents(field);
  }));
}
