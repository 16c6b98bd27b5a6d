/**
 * Answers as people read them (the wording of the confirmation card), for staff: the CSV
 * export and the application detail in Discord share these columns and cells.
 */
import { contestSteps } from '../../flows/contest/contest-steps.ts';
import { pathOf } from '../../flows/engine/step.ts';
import { translateText, type Answers, type Language } from '../../flows/index.ts';
import type { ProgramConfig } from '../../flows/program.ts';
import { formatPhone } from './phone-display.ts';

/**
 * Answers that put every labelled question on the path: the founding date is asked only
 * of someone who has founded, so columns are taken as if incorporated.
 */
const EVERY_QUESTION = { founding: 'corporation' };

export interface AnswerColumn {
  id: string;
  label: string;
  /** Identifies a person: shown only to roles that may see who applied. */
  personal: boolean;
}

/** Every labelled question, in the form's order (a founding date counted in, as if incorporated). */
export function answerColumns(program: ProgramConfig, today: string, language: Language = 'ja'): AnswerColumn[] {
  const personal = new Set(program.contest.questions.filter((q) => q.personal).map((q) => q.id));
  return contestSteps(program, today, EVERY_QUESTION)
    .filter((step) => step.label)
    .map((step) => ({ id: step.id, label: translateText(step.label!, language), personal: personal.has(step.id) }));
}

/** One application's answer to each column, as displayed; '' where unanswered. Phone numbers are hyphenated (phone-display.ts). */
export function answerCells(program: ProgramConfig, today: string, answers: Answers, columns: AnswerColumn[], language: Language = 'ja'): string[] {
  const steps = contestSteps(program, today, answers);
  const phones = new Set(program.contest.questions.filter((q) => q.kind === 'phone').map((q) => q.id));
  return columns.map((column) => {
    const value = answers[column.id];
    const step = steps.find((s) => s.id === column.id);
    if (value === undefined || !step) return '';
    if (phones.has(column.id)) return formatPhone(value);
    return translateText(step.display?.(value) ?? { literal: { ja: value, en: value } }, language);
  });
}

/**
 * The labels of the questions on this application's path still without an answer: a
 * submitted application has some only when the person took an answer back (unsend), and
 * is incomplete until they give it again. Steps without a label (consent) do not count.
 */
export function missingAnswers(program: ProgramConfig, today: string, answers: Answers, language: Language = 'ja'): string[] {
  return pathOf(contestSteps(program, today, answers), answers)
    .filter((step) => step.label && answers[step.id] === undefined)
    .map((step) => translateText(step.label!, language));
}

/** A field's label as the form words it (built-in eligibility steps included), or its id. */
export function answerLabel(program: ProgramConfig, today: string, id: string, language: Language = 'ja'): string {
  const step = contestSteps(program, today, EVERY_QUESTION).find((s) => s.id === id);
  return step?.label ? translateText(step.label, language) : id;
}
