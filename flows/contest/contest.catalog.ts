/**
 * The contest module's own catalog entries, composed into the flat catalog by
 * flows/catalog/catalog.ts. Data only: this file imports nothing. (The contest's older
 * texts are in the shared catalog, ja.ts and en.ts, written before modules had their own.)
 */
export const contestCatalog = {
  ja: {
    'contest.submitRefused': '申し訳ありません。応募を受け付けられませんでした。お手数ですが、応募内容をご確認ください。',
    'contest.reminder.draft': '「{name}」の応募がまだ完了していません。締切は {deadline} です。下の「応募を再開」から続きを入力できます。',
    'contest.reminder.document': '「{name}」の事業計画書（PDF）がまだ届いていません。締切 {deadline} までに、このトークに送ってください。',
  },
  en: {
    'contest.submitRefused': 'Sorry, we could not accept the application. Please check your application.',
    'contest.reminder.draft': 'Your application to "{name}" is not finished yet. The deadline is {deadline}. Tap "Continue applying" below to pick up where you left off.',
    'contest.reminder.document': 'We have not received the plan document (PDF) for "{name}" yet. Please send it in this chat by {deadline}.',
  },
} as const;
