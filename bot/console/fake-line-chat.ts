/**
 * The console's simulated LINE users and their chats, as the fake platform keeps them
 * (fake-line-store.ts) and its journal writes them down (fake-line-journal.ts).
 */
export type ConsoleLanguage = 'ja' | 'en';

export interface ConsoleUser {
  userId: string;
  displayName: string;
  language: ConsoleLanguage;
  blocked: boolean;
  createdAt: string;
}

/** What the simulated user did; shown on the right side of the chat. */
export type UserAction =
  | { kind: 'follow'; isUnblocked: boolean }
  | { kind: 'unfollow' }
  | { kind: 'text'; messageId: string; text: string }
  | { kind: 'file'; messageId: string; fileName: string; fileSize: number }
  | { kind: 'postback'; data: string; params?: Record<string, string>; displayText?: string }
  | { kind: 'unsend'; messageId: string };

/** One line of a chat, in the order it happened. `seq` increases across all chats. */
export type TranscriptEntry = { seq: number; at: string; userId: string } & (
  | ({ from: 'user' } & UserAction)
  | { from: 'bot'; kind: 'message'; via: 'reply' | 'push' | 'multicast'; messageId: string; message: unknown }
);
