import { normalizeForMatch } from './choice-match.ts';
import type { Entry } from './module.ts';
import type { FlowInput, Language } from './types.ts';

/** Words that work anywhere, in or out of a flow: the engine's own, and the modules' entries. */
export type Command =
  | { name: 'menu' | 'cancel' | 'back' | 'help' | 'staff' | 'endHandoff' }
  | { name: 'language'; language: Language }
  /** Starts a module's flow (FlowModule.entries). */
  | { name: 'enter'; entry: string };

type EngineCommand = Exclude<Command, { name: 'enter' }>;

const engineWords: Array<[string[], EngineCommand]> = [
  [['メニュー', 'めにゅー', 'menu'], { name: 'menu' }],
  [['やめる', '止める', 'キャンセル', '中断', 'cancel', 'stop', 'quit'], { name: 'cancel' }],
  [['戻る', 'もどる', 'back'], { name: 'back' }],
  [['ヘルプ', 'へるぷ', '使い方', 'help', '?', '？'], { name: 'help' }],
  [['スタッフと話したい', 'スタッフに相談', 'スタッフ', '担当者', '担当者と話したい', '人と話したい', '問い合わせ', 'お問い合わせ', 'talk to staff', 'talk to a person', 'staff', 'human'], { name: 'staff' }],
  [['相談を終える', '相談終了', '相談をやめる', 'スタッフとの相談を終える', 'end chat', 'end chat with staff'], { name: 'endHandoff' }],
  [['english', '英語'], { name: 'language', language: 'en' }],
  [['日本語', 'japanese', 'にほんご'], { name: 'language', language: 'ja' }],
];

/** Postback values of the menu buttons. */
export const commandValue = (command: Command): string => {
  if (command.name === 'language') return `cmd:lang-${command.language}`;
  if (command.name === 'enter') return `cmd:${command.entry}`;
  return `cmd:${command.name}`;
};

/** Every command by typed word and by button value, for one set of modules. */
export interface CommandTable {
  byWord: ReadonlyMap<string, Command>;
  byValue: ReadonlyMap<string, Command>;
}

/** The engine's words plus the modules' entries; a word or button value claimed twice is a mistake in a module. */
export function commandTable(entries: readonly Entry[]): CommandTable {
  const all: Array<[readonly string[], Command]> = [
    ...engineWords,
    ...entries.map((entry): [readonly string[], Command] => [[...entry.words.ja, ...entry.words.en], { name: 'enter', entry: entry.id }]),
  ];
  const byWord = new Map<string, Command>();
  const byValue = new Map<string, Command>();
  for (const [words, command] of all) {
    const value = commandValue(command);
    if (byValue.has(value)) throw new Error(`command ${value} is declared twice`);
    byValue.set(value, command);
    for (const word of words) {
      const key = normalizeForMatch(word);
      const taken = byWord.get(key);
      if (taken && commandValue(taken) !== value) throw new Error(`the word 「${word}」 means both ${commandValue(taken)} and ${value}`);
      byWord.set(key, command);
    }
  }
  return { byWord, byValue };
}

/** The command an input means, if any: a typed word or a menu button. */
export function recognizeCommand(input: FlowInput, table: CommandTable): Command | null {
  if (input.type === 'text') return table.byWord.get(normalizeForMatch(input.text)) ?? null;
  if (input.type === 'choice') return table.byValue.get(input.value) ?? null;
  return null;
}
