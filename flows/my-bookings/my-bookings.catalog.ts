/** The "my bookings" module's words, Japanese first (keys start with `my-bookings.`). Data only. */
export const myBookingsCatalog = {
  ja: {
    'my-bookings.menu': '予約確認',
    'my-bookings.lead': 'いまのご予約です😊 キャンセルや変更は、それぞれのボタンからどうぞ。',
    'my-bookings.moreConsultations': 'ほかに個別相談が{count}件あります。「相談予約確認」ですべて表示します。',
    'my-bookings.none': 'いまのところ、ご予約はありません。よろしければ、こちらからどうぞ。',
    'my-bookings.none.nothingToBook': 'いまのところ、ご予約はありません。',
    'my-bookings.book.register': '大交流会に参加登録',
    'my-bookings.book.seminar': 'セミナーを予約',
    'my-bookings.book.consult': '個別相談を予約',
  },
  en: {
    'my-bookings.menu': 'My bookings',
    'my-bookings.lead': 'Here is what you have booked 😊 Use the buttons to cancel or change.',
    'my-bookings.moreConsultations': 'You have {count} more consultation(s). Send "my consultations" to see them all.',
    'my-bookings.none': 'You have nothing booked yet. You can start here if you like.',
    'my-bookings.none.nothingToBook': 'You have nothing booked yet.',
    'my-bookings.book.register': 'Register for the event',
    'my-bookings.book.seminar': 'Book a seminar',
    'my-bookings.book.consult': 'Book a consultation',
  },
} as const;
