/**
 * The slash commands staff see in Discord, registered by `ouen discord register` (not at
 * start-up: Discord rate-limits registration and a deploy should not depend on it).
 * English names with Japanese localisations, so a Japanese Discord client shows Japanese.
 */
import { SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

/** A staff command: named in English and Japanese, never offered in DMs. */
const command = (name: string, ja: string, description: string, descriptionJa: string) => new SlashCommandBuilder()
  .setName(name).setNameLocalizations({ ja })
  .setDescription(description).setDescriptionLocalizations({ ja: descriptionJa })
  .setDMPermission(false);

export function staffCommandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    command('stats', '状況', 'Applications, participants and messages in numbers', '応募・参加者・送信の件数').toJSON(),
    command('applications', '応募一覧', 'List applications, optionally filtered', '応募を一覧します（条件で絞り込み可）')
      .addStringOption((o) => o.setName('status').setNameLocalizations({ ja: '状態' })
        .setDescription('Status').setDescriptionLocalizations({ ja: '状態' })
        .addChoices(
          { name: 'submitted', name_localizations: { ja: '提出済み' }, value: 'submitted' },
          { name: 'draft', name_localizations: { ja: '下書き' }, value: 'draft' },
          { name: 'withdrawn', name_localizations: { ja: '取り下げ' }, value: 'withdrawn' },
        ))
      .addStringOption((o) => o.setName('municipality').setNameLocalizations({ ja: '市町村' })
        .setDescription('Municipality, e.g. 船橋市').setDescriptionLocalizations({ ja: '市町村（例: 船橋市）' }).setMaxLength(20))
      .addBooleanOption((o) => o.setName('workshop').setNameLocalizations({ ja: '講座受講' })
        .setDescription('Came from the entrepreneur-development workshop').setDescriptionLocalizations({ ja: '起業家育成講座の受講者' }))
      .toJSON(),
    command('application', '応募', 'One application by receipt number', '受付番号で応募を表示します')
      .addStringOption((o) => o.setName('receipt').setNameLocalizations({ ja: '受付番号' })
        .setDescription('Receipt number, e.g. BC2026-0001').setDescriptionLocalizations({ ja: '受付番号（例: BC2026-0001）' })
        .setRequired(true).setAutocomplete(true).setMaxLength(30))
      .toJSON(),
  ];
}
