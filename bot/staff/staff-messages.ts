/**
 * What staff read, Japanese first (the operator's team), English second. Like the
 * participant catalog, replies name keys and the renderer picks the language.
 */
export const staffMessages = {
  ja: {
    'denied.no-role': 'ouen のスタッフロールがありません。管理者にロールの付与を依頼してください。',
    'denied.not-permitted': 'この操作の権限がありません。',
    'stats.title': '応募・参加の状況',
    'stats.applications': '応募',
    'stats.participants': '参加者',
    'stats.outbox': '送信',
    'stats.values.applications': '下書き {draft} ・ 提出済み {submitted} ・ 取り下げ {withdrawn}',
    'stats.values.participants': '友だち {total} ・ ブロック中 {unreachable} ・ 同意 {granted} ・ 不同意 {refused}',
    'stats.values.outbox': '送信済み {sent} ・ 待ち {pending} ・ 承認待ち {held} ・ 失敗 {failed} ・ 省略 {skipped}',
    'error.generic': 'うまく処理できませんでした。少し待ってからもう一度お試しください。',
    'unknown.command': 'このコマンドはまだ使えません。',
    'list.title': '応募一覧（{shown} / {total} 件）',
    'list.empty': '条件に合う応募はありません。',
    'list.more': 'ほか {rest} 件。条件を絞るか CSV 出力（npx ouen applications export --csv）をご利用ください。',
    'list.line': '{receipt} ・ {status} ・ {municipality} ・ {category}{workshop}',
    'list.workshop': ' ・ 講座受講',
    'detail.title': '応募 {receipt}',
    'detail.notFound': '受付番号 {receipt} の応募は見つかりません。',
    'detail.status': '状態',
    'detail.submittedAt': '提出日時',
    'detail.document': '事業計画書',
    'detail.document.yes': 'あり',
    'detail.document.no': 'なし',
    'detail.personalHidden': '応募者の個人情報は、この権限では表示されません。',
    'detail.truncated': '（長い回答は途中まで。全文は CSV 出力で確認できます）',
    'status.draft': '下書き',
    'status.submitted': '提出済み',
    'status.withdrawn': '取り下げ',
    'none': '—',
  },
  en: {
    'denied.no-role': 'You have no ouen staff role. Ask an admin to give you one.',
    'denied.not-permitted': 'You are not allowed to do this.',
    'stats.title': 'Applications and participants',
    'stats.applications': 'Applications',
    'stats.participants': 'Participants',
    'stats.outbox': 'Messages',
    'stats.values.applications': 'draft {draft} · submitted {submitted} · withdrawn {withdrawn}',
    'stats.values.participants': 'friends {total} · blocked {unreachable} · consented {granted} · refused {refused}',
    'stats.values.outbox': 'sent {sent} · waiting {pending} · awaiting approval {held} · failed {failed} · skipped {skipped}',
    'error.generic': 'Something went wrong. Please try again in a moment.',
    'unknown.command': 'This command is not available yet.',
    'list.title': 'Applications ({shown} of {total})',
    'list.empty': 'No application matches.',
    'list.more': '{rest} more. Narrow the filter or use the CSV export (npx ouen applications export --csv).',
    'list.line': '{receipt} · {status} · {municipality} · {category}{workshop}',
    'list.workshop': ' · workshop',
    'detail.title': 'Application {receipt}',
    'detail.notFound': 'There is no application {receipt}.',
    'detail.status': 'Status',
    'detail.submittedAt': 'Submitted',
    'detail.document': 'Plan document',
    'detail.document.yes': 'attached',
    'detail.document.no': 'none',
    'detail.personalHidden': 'Who applied is not shown to your role.',
    'detail.truncated': '(Long answers are cut short; the CSV export has them in full.)',
    'status.draft': 'draft',
    'status.submitted': 'submitted',
    'status.withdrawn': 'withdrawn',
    'none': '—',
  },
} as const;

export type StaffLanguage = keyof typeof staffMessages;
export type StaffMessageKey = keyof (typeof staffMessages)['ja'];

export function staffText(language: StaffLanguage, key: StaffMessageKey, params: Record<string, string | number> = {}): string {
  return staffMessages[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
