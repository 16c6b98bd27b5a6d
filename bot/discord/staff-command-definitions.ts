/**
 * The slash commands staff see in Discord, registered by `ouen discord register` (not at
 * start-up: Discord rate-limits registration and a deploy should not depend on it).
 * English names with Japanese localisations, so a Japanese Discord client shows Japanese.
 */
import { SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

export function staffCommandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    new SlashCommandBuilder()
      .setName('stats')
      .setNameLocalizations({ ja: '状況' })
      .setDescription('Applications, participants and messages in numbers')
      .setDescriptionLocalizations({ ja: '応募・参加者・送信の件数' })
      .setDMPermission(false)
      .toJSON(),
  ];
}
