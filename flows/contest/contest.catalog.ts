/**
 * The contest module's own catalog entries, composed into the flat catalog by
 * flows/catalog/catalog.ts. Data only: this file imports nothing. (The contest's older
 * texts are in the shared catalog, ja.ts and en.ts, written before modules had their own.)
 */
export const contestCatalog = {
  ja: {
    'contest.submitRefused': '申し訳ありません。応募を受け付けられませんでした。お手数ですが、応募内容をご確認ください。',
  },
  en: {
    'contest.submitRefused': 'Sorry, we could not accept the application. Please check your application.',
  },
} as const;
