import { normalizeForMatch } from './choice-match.ts';
import type { FlowInput, Language } from './types.ts';

/** Words that work anywhere, in or out of a flow. */
export type Command =
  | { name: 'menu' | 'cancel' | 'back' | 'help' | 'apply' | 'review' | 'staff' | 'endHandoff' }
  | { name: 'language'; language: Language };

const words: Array<[string[], Command]> = [
  [['メニュー', 'めにゅー', 'menu'], { name: 'menu' }],
  [['やめる', '止める', 'キャンセル', '中断', 'cancel', 'stop', 'quit'], { name: 'cancel' }],
  [['戻る', 'もどる', 'back'], { name: 'back' }],
  [['ヘルプ', 'へるぷ', '使い方', 'help', '?', '？'], { name: 'help' }],
  [['応募', '応募する', '応募を再開', 'エントリー', 'apply', 'continue applying'], { name: 'apply' }],
  [['応募内容', '応募内容の確認', '応募状況', 'マイページ', 'my application', 'status'], { name: 'review' }],
  [['スタッフと話したい', 'スタッフに相談', 'スタッフ', '担当者', '担当者と話したい', '人と話したい', '問い合わせ', 'お問い合わせ', 'talk to staff', 'talk to a person', 'staff', 'human'], { name: 'staff' }],
  [['相談を終える', '相談終了', '相談をやめる', 'スタッフとの相談を終える', 'end chat', 'end chat with staff'], { name: 'endHandoff' }],
  [['english', '英語'], { name: 'language', language: 'en' }],
  [['日本語', 'japanese', 'にほんご'], { name: 'language', language: 'ja' }],
];

const byWord = new Map(words.flatMap(([list, command]) => list.map((w) => [normalizeForMatch(w), command] as const)));

/** Postback values of the menu buttons. */
export const commandValue = (command: Command): string =>
  command.name === 'language' ? `cmd:lang-${command.language}` : `cmd:${command.name}`;

const byValue = new Map(words.map(([, command]) => [commandValue(command), command] as const));

/** The command an input means, if any: a typed word or a menu button. */
export function recognizeCommand(input: FlowInput): Command | null {
  if (input.type === 'text') return byWord.get(normalizeForMatch(input.text)) ?? null;
  if (input.type === 'choice') return byValue.get(input.value) ?? null;
  return null;
}
