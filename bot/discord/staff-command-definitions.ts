/**
 * The slash commands staff see in Discord, registered by `ouen discord register` (not at
 * start-up: Discord rate-limits registration and a deploy should not depend on it).
 * English names with Japanese localisations, so a Japanese Discord client shows Japanese.
 */
import {
  SlashCommandBuilder, SlashCommandStringOption, SlashCommandSubcommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';

/** A staff command: named in English and Japanese, never offered in DMs. */
const command = (name: string, ja: string, description: string, descriptionJa: string) => new SlashCommandBuilder()
  .setName(name).setNameLocalizations({ ja })
  .setDescription(description).setDescriptionLocalizations({ ja: descriptionJa })
  .setDMPermission(false);

/** Which round; without it, the round that is open (or the latest). */
const roundOption = (required = false) => (o: SlashCommandStringOption) => o.setName('round').setNameLocalizations({ ja: 'ラウンド' })
  .setDescription('Judging round').setDescriptionLocalizations({ ja: '審査ラウンド' }).setRequired(required)
  .addChoices(
    { name: 'document screening', name_localizations: { ja: '一次審査（書類）' }, value: 'document' },
    { name: 'presentation screening', name_localizations: { ja: '二次審査（プレゼン）' }, value: 'presentation' },
    { name: 'final', name_localizations: { ja: '最終審査' }, value: 'final' },
  );

const receiptOption = (o: SlashCommandStringOption) => o.setName('receipt').setNameLocalizations({ ja: '受付番号' })
  .setDescription('Receipt number, e.g. BC2026-0001').setDescriptionLocalizations({ ja: '受付番号（例: BC2026-0001）' })
  .setRequired(true).setAutocomplete(true).setMaxLength(30);

const subcommand = (name: string, ja: string, description: string, descriptionJa: string) => (s: SlashCommandSubcommandBuilder) => s
  .setName(name).setNameLocalizations({ ja }).setDescription(description).setDescriptionLocalizations({ ja: descriptionJa });

export function staffCommandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    ...applicationCommands(),
    command('round', 'ラウンド', 'Open, close or look at a judging round', '審査ラウンドの開始・締切・状況')
      .addSubcommand((s) => subcommand('open', '開始', 'Open a round for scoring', '採点受付を開始します')(s).addStringOption(roundOption(true)))
      .addSubcommand((s) => subcommand('close', '締切', 'Close the open round', '採点受付を締め切ります')(s).addStringOption(roundOption()))
      .addSubcommand((s) => subcommand('status', '状況', 'Who has scored what', '採点状況を表示します')(s).addStringOption(roundOption()))
      .toJSON(),
    command('score', '採点', 'Score an application in the open round', '受付中のラウンドで応募を採点します')
      .addStringOption(receiptOption).toJSON(),
    command('recuse', '辞退', 'Declare a conflict of interest for an application', '利益相反のため採点を辞退します')
      .addStringOption(receiptOption)
      .addBooleanOption((o) => o.setName('undo').setNameLocalizations({ ja: '取り消す' })
        .setDescription('Undo the recusal').setDescriptionLocalizations({ ja: '辞退を取り消します' }))
      .toJSON(),
    command('progress', '採点状況', 'Scoring progress of a round', 'ラウンドの採点状況').addStringOption(roundOption()).toJSON(),
    command('ranking', '集計', 'Totals and ranking of a round', 'ラウンドの集計と順位').addStringOption(roundOption()).toJSON(),
    command('scores', '採点csv', 'Every sheet of a round as CSV', 'ラウンドの全採点を CSV で').addStringOption(roundOption()).toJSON(),
    command('decide', '決定', 'Mark one application\'s result (not sent until published and approved)', '応募の結果を決めます（公開・承認まで送信されません）')
      .addStringOption(receiptOption)
      .addStringOption((o) => o.setName('outcome').setNameLocalizations({ ja: '結果' })
        .setDescription('Result').setDescriptionLocalizations({ ja: '結果' }).setRequired(true)
        .addChoices(
          { name: 'pass', name_localizations: { ja: '通過' }, value: 'pass' },
          { name: 'fail', name_localizations: { ja: '不通過' }, value: 'fail' },
          { name: 'grand prize', name_localizations: { ja: '大賞' }, value: 'grand' },
          { name: 'excellence prize', name_localizations: { ja: '優秀賞' }, value: 'excellence' },
          { name: 'no prize', name_localizations: { ja: '受賞なし' }, value: 'none' },
        ))
      .addStringOption(roundOption())
      .toJSON(),
    command('decide-all', '一括決定', 'Mark every result from the ranking (ties at the line stay open)', '集計から全件の結果を決めます（境界の同点は保留）')
      .addStringOption(roundOption()).toJSON(),
    command('publish', '公開', 'Turn a round\'s results into LINE messages awaiting approval', '結果を LINE 通知にして承認待ちにします')
      .addStringOption(roundOption()).toJSON(),
    command('approvals', '承認', 'Results awaiting your approval', '承認待ちの結果通知').toJSON(),
    command('inbox', '相談', 'Participants waiting for staff, with answer and close buttons', 'スタッフ対応を待つ相談（返信・終了ボタン付き）').toJSON(),
    command('deliveries', '配信失敗', 'Messages that could not be delivered, why, and a retry', '届かなかったメッセージと理由（再送ボタン付き）').toJSON(),
    command('help', 'ヘルプ', 'The commands your roles may use', 'あなたのロールで使えるコマンド').toJSON(),
    command('preview', 'プレビュー', 'Try the participant flows in a DM with the bot', '参加者向けフローをボットとの DM で試します').toJSON(),
    command('votes', '投票', 'Enter the audience vote for a finalist', '最終審査の来場者投票数を入力します')
      .addStringOption(receiptOption)
      .addIntegerOption((o) => o.setName('votes').setNameLocalizations({ ja: '票数' })
        .setDescription('Number of votes').setDescriptionLocalizations({ ja: '票数' }).setRequired(true).setMinValue(0).setMaxValue(100_000))
      .toJSON(),
    command('event', 'イベント', 'Event registrations: places, waitlist, cancellations, by attendee type', 'イベントの参加登録状況（定員・キャンセル待ち・参加区分別）')
      .addBooleanOption((o) => o.setName('roster').setNameLocalizations({ ja: '名簿' })
        .setDescription('The roster as CSV (personal data; admin and staff)').setDescriptionLocalizations({ ja: '参加者名簿の CSV（個人情報。管理者・スタッフのみ）' }))
      .toJSON(),
    command('booth', '相談ブース', 'A consultation booth\'s slots and bookings; mark no-shows', '相談ブースの枠と予約（不参加の記録）')
      .addStringOption((o) => o.setName('booth').setNameLocalizations({ ja: 'ブース' })
        .setDescription('Booth id from the program file (empty: every booth)').setDescriptionLocalizations({ ja: 'プログラムファイルのブースID（空欄なら全ブース）' })
        .setMaxLength(30))
      .addBooleanOption((o) => o.setName('roster').setNameLocalizations({ ja: '名簿' })
        .setDescription('The booth\'s bookers as CSV (personal data; admin and staff)').setDescriptionLocalizations({ ja: '予約者名簿の CSV（個人情報。管理者・スタッフのみ）' }))
      .toJSON(),
    seminarsCommand(),
    broadcastCommand(),
  ];
}

const seminarOption = (o: SlashCommandStringOption) => o.setName('seminar').setNameLocalizations({ ja: 'セミナー' })
  .setDescription('Seminar id from the program file').setDescriptionLocalizations({ ja: 'プログラムファイルのセミナーID' })
  .setRequired(true).setMaxLength(40);

/**
 * `/seminars`: the list in figures; one seminar's people and waitlist; its roster as CSV;
 * and the changes staff make at run time (waitlist order, capacity, time, room), each
 * audited; a time change's notice to the people concerned waits for an approver.
 */
function seminarsCommand(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const time = (name: string, ja: string, description: string, descriptionJa: string) => (o: SlashCommandStringOption) => o.setName(name).setNameLocalizations({ ja })
    .setDescription(description).setDescriptionLocalizations({ ja: descriptionJa }).setMaxLength(16);
  return command('seminars', 'セミナー', 'Seminars: bookings, waitlists, rosters and changes', 'セミナー: 予約・キャンセル待ち・名簿・変更')
    .addSubcommand((s) => subcommand('list', '一覧', 'Every seminar: capacity, booked, offered, waitlisted', '全セミナーの定員・予約・ご案内中・キャンセル待ち')(s))
    .addSubcommand((s) => subcommand('show', '表示', 'One seminar\'s bookings and waitlist in order', 'セミナーの予約者とキャンセル待ちの順番')(s).addStringOption(seminarOption))
    .addSubcommand((s) => subcommand('roster', '名簿', 'The roster as CSV (personal data; admin and staff)', '参加者名簿の CSV（個人情報。管理者・スタッフのみ）')(s).addStringOption(seminarOption))
    .addSubcommand((s) => subcommand('move', '順番', 'Move someone waiting to a position', 'キャンセル待ちの人を指定の順番へ移動')(s).addStringOption(seminarOption)
      .addStringOption((o) => o.setName('waiting').setNameLocalizations({ ja: '参照番号' })
        .setDescription('Their reference as /seminars show lists it (8 characters)').setDescriptionLocalizations({ ja: '/seminars 表示 の参照番号（8 文字）' })
        .setRequired(true).setMinLength(8).setMaxLength(36))
      .addIntegerOption((o) => o.setName('position').setNameLocalizations({ ja: '順番' })
        .setDescription('New place in the waitlist (1 = next offered)').setDescriptionLocalizations({ ja: '新しい順番（1 = 次にご案内）' })
        .setRequired(true).setMinValue(1).setMaxValue(10_000)))
    .addSubcommand((s) => subcommand('capacity', '定員', 'Change the capacity (raising it offers seats to people waiting)', '定員を変更（増やすと待っている人へ順にご案内）')(s).addStringOption(seminarOption)
      .addIntegerOption((o) => o.setName('seats').setNameLocalizations({ ja: '席数' })
        .setDescription('Seats').setDescriptionLocalizations({ ja: '席数' }).setRequired(true).setMinValue(0).setMaxValue(10_000)))
    .addSubcommand((s) => subcommand('time', '時間', 'Change the time (people concerned are told once approved)', '時間を変更（関係者へのお知らせは承認後に送信）')(s).addStringOption(seminarOption)
      .addStringOption((o) => time('start', '開始', 'Start: HH:mm on its day, or YYYY-MM-DD HH:mm (Japan time)', '開始: HH:mm（同じ日）か YYYY-MM-DD HH:mm（日本時間）')(o).setRequired(true))
      .addStringOption(time('end', '終了', 'End (empty: keeps the length)', '終了（空欄なら長さはそのまま）')))
    .addSubcommand((s) => subcommand('room', '会場', 'Change the room', '会場を変更')(s).addStringOption(seminarOption)
      .addStringOption((o) => o.setName('room').setNameLocalizations({ ja: '会場' })
        .setDescription('Room in Japanese').setDescriptionLocalizations({ ja: '会場（日本語）' }).setRequired(true).setMaxLength(200))
      .addStringOption((o) => o.setName('room_en').setNameLocalizations({ ja: '会場_英語' })
        .setDescription('Room in English (empty: as the Japanese)').setDescriptionLocalizations({ ja: '会場（英語。空欄なら日本語と同じ）' }).setMaxLength(200)))
    .toJSON();
}

/**
 * `/broadcast draft` opens the form for the text (Japanese, optional English) for a
 * segment; `list` shows those awaiting approval with their previews; `reports` the sends.
 */
function broadcastCommand(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return command('broadcast', 'お知らせ', 'Broadcasts: draft, awaiting approval, reports', 'お知らせ配信: 下書き・承認待ち・配信レポート')
    .addSubcommand((s) => subcommand('draft', '下書き', 'Draft a broadcast (held until approved)', 'お知らせを下書きします（承認まで送信されません）')(s)
      .addStringOption((o) => o.setName('segment').setNameLocalizations({ ja: '対象' })
        .setDescription('Who receives it').setDescriptionLocalizations({ ja: '送信対象' }).setRequired(true)
        .addChoices(
          { name: 'applicants', name_localizations: { ja: '応募者' }, value: 'applicants' },
          { name: 'entrants of a judging round', name_localizations: { ja: '審査ラウンドの対象者' }, value: 'round' },
          { name: 'event registrants', name_localizations: { ja: 'イベント参加登録者' }, value: 'event-registrants' },
          { name: 'waitlisted', name_localizations: { ja: 'キャンセル待ち' }, value: 'waitlisted' },
          { name: 'agreed to news', name_localizations: { ja: 'お知らせ受信に同意した人' }, value: 'news' },
          { name: 'all followers (not blocked, not refusing news)', name_localizations: { ja: '友だち全員（ブロック・拒否を除く）' }, value: 'followers' },
        ))
      .addStringOption((o) => o.setName('status').setNameLocalizations({ ja: '状態' })
        .setDescription('Applicants: only this status').setDescriptionLocalizations({ ja: '応募者: この状態のみ' })
        .addChoices(
          { name: 'submitted', name_localizations: { ja: '提出済み' }, value: 'submitted' },
          { name: 'draft', name_localizations: { ja: '下書き' }, value: 'draft' },
        ))
      .addStringOption(roundOption())
      .addStringOption((o) => o.setName('send_at').setNameLocalizations({ ja: '送信日時' })
        .setDescription('Schedule: YYYY-MM-DD HH:mm, Japan time (empty: when approved)').setDescriptionLocalizations({ ja: '予約送信: YYYY-MM-DD HH:mm（日本時間。空欄なら承認後すぐ）' })
        .setMaxLength(16)))
    .addSubcommand((s) => subcommand('list', '承認待ち', 'Broadcasts awaiting approval, with previews', '承認待ちのお知らせとプレビュー')(s))
    .addSubcommand((s) => subcommand('reports', 'レポート', 'The latest send reports', '最近の配信レポート')(s))
    .toJSON();
}

function applicationCommands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
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
      .addStringOption(roundOption())
      .toJSON(),
    command('application', '応募', 'One application by receipt number', '受付番号で応募を表示します')
      .addStringOption((o) => o.setName('receipt').setNameLocalizations({ ja: '受付番号' })
        .setDescription('Receipt number, e.g. BC2026-0001').setDescriptionLocalizations({ ja: '受付番号（例: BC2026-0001）' })
        .setRequired(true).setAutocomplete(true).setMaxLength(30))
      .toJSON(),
  ];
}
