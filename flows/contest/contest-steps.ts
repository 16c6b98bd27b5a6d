/**
 * The contest application as steps: consent and eligibility are built in; the
 * applicant and plan questions come from the program configuration.
 */
import { formatDate } from '../engine/dates.ts';
import type { InputSpec } from '../engine/input.ts';
import type { Step } from '../engine/step.ts';
import { t } from '../engine/text.ts';
import type { Answers, Choice, Text } from '../engine/types.ts';
import { DEFAULT_FILE_MAX_BYTES, type Question } from './contest-config.ts';
import type { ContestProgram } from './contest-types.ts';

export type ContestSection = 'consent' | 'eligibility' | 'applicant' | 'plan';
export type ContestStep = Step<ContestSection>;

/** A file step's "send later" choice value. */
export const LATER = 'later';

/**
 * The steps for these answers. They depend on the answers only through the founding
 * status (which founding-date question to ask), so they are built once per program, day
 * and variant and shared: steps are immutable data, and stable objects let input
 * validation reuse its compiled schemas.
 */
export function contestSteps(program: ContestProgram, today: string, answers: Answers): ContestStep[] {
  const variant = answers.founding === 'soleThenCorp' ? 'sole' : 'default';
  let perProgram = built.get(program);
  if (!perProgram) {
    perProgram = new Map();
    built.set(program, perProgram);
  }
  const key = `${today}|${variant}`;
  let steps = perProgram.get(key);
  if (!steps) {
    if (perProgram.size > 16) perProgram.clear();
    steps = [consentStep(program), ...eligibilitySteps(today, answers), ...program.contest.questions.map(questionStep)];
    perProgram.set(key, steps);
  }
  return steps;
}

const built = new WeakMap<ContestProgram, Map<string, ContestStep[]>>();

function consentStep(program: ContestProgram): ContestStep {
  const privacy = program.contest.privacy;
  return {
    id: 'consent',
    section: 'consent',
    input: { kind: 'confirm', choices: [choice('consent.agree', 'yes'), choice('consent.decline', 'no')] },
    question: t('consent.notice', {
      purpose: { literal: privacy.purpose },
      recipients: { literal: privacy.recipients },
      retention: { literal: privacy.retention },
      contact: { literal: privacy.contact },
    }),
    // Consent is implied by the draft existing; it is never an answer on the card.
    when: () => false,
  };
}

function eligibilitySteps(today: string, answers: Answers): ContestStep[] {
  return [
    choiceStep('base', t('eligibility.base.prompt'), t('label.base'), [
      choice('eligibility.base.now', 'now', ['ある', 'あります', 'すでにあります', '既にある', 'yes', 'have one', 'already']),
      choice('eligibility.base.planned', 'planned', ['予定', '予定あり', '予定です', '予定しています', 'これから', 'plan to', 'planning']),
      choice('eligibility.base.none', 'none', ['ない', 'ありません', 'なし', '県外', 'no', 'none']),
    ]),
    {
      id: 'municipality',
      section: 'eligibility',
      input: { kind: 'text', maxLength: 40, format: 'municipality' },
      question: t('eligibility.municipality.prompt'),
      label: t('label.municipality'),
      when: (a) => a.base !== 'none',
      lockedAfterSubmit: true,
    },
    choiceStep('founding', t('eligibility.founding.prompt'), t('label.founding'), [
      choice('eligibility.founding.notYet', 'notYet', ['まだ', 'まだです', '未創業', '創業前', 'これから', '準備中', 'not yet']),
      choice('eligibility.founding.corporation', 'corporation', [
        '法人', '会社', '法人設立', '法人を設立', '株式会社', '合同会社', '一般社団法人', 'npo法人', 'company', 'corporation', 'incorporated',
      ]),
      choice('eligibility.founding.sole', 'sole', ['個人事業', '個人事業主', '個人', '開業', '開業した', 'sole', 'sole proprietor', 'self-employed']),
      choice('eligibility.founding.soleThenCorp', 'soleThenCorp', ['法人化', '法人成り', '個人から法人', '個人事業から法人']),
    ]),
    {
      id: 'foundingDate',
      section: 'eligibility',
      input: { kind: 'date' },
      question: answers.founding === 'soleThenCorp'
        ? t('eligibility.foundingDate.solePrompt')
        : t('eligibility.foundingDate.prompt'),
      datePicker: { max: today, initial: today },
      label: t('label.foundingDate'),
      display: (value) => sameInBoth(value, (language) => formatDate(value, language)),
      when: (a) => a.founding !== undefined && a.founding !== 'notYet',
      lockedAfterSubmit: true,
    },
  ];
}

function choiceStep(id: string, question: Text, label: Text, choices: Choice[]): ContestStep {
  return {
    id,
    section: 'eligibility',
    input: { kind: 'choice', choices },
    question,
    label,
    display: (value) => choices.find((c) => c.value === value)?.label ?? literal(value),
    lockedAfterSubmit: true,
  };
}

function questionStep(question: Question): ContestStep {
  const hints: Text[] = [];
  if (question.maxLength && question.kind === 'text') hints.push(t('prompt.limit', { limit: question.maxLength }));
  const maxBytes = question.maxBytes ?? DEFAULT_FILE_MAX_BYTES;
  if (question.kind === 'file') hints.push(t('file.hint', { limitMb: Math.floor(maxBytes / (1024 * 1024)) }));
  const choices = question.choices?.map((c): Choice => ({ label: { literal: c.label }, value: c.value, aliases: c.aliases, range: c.range })) ?? [];
  return {
    id: question.id,
    section: question.section,
    input: inputFor(question, choices, maxBytes),
    question: { literal: question.prompt },
    hints,
    label: { literal: question.label },
    display: displayFor(question, choices),
  };
}

function inputFor(question: Question, choices: Choice[], maxBytes: number): InputSpec {
  switch (question.kind) {
    case 'text': return { kind: 'text', maxLength: question.maxLength ?? 200, format: question.format };
    case 'choice': return { kind: 'choice', choices };
    case 'file': return { kind: 'file', maxBytes, allowLater: question.allowLater, laterValue: LATER };
    case 'number': return { kind: 'number', min: question.min, max: question.max };
    default: return { kind: question.kind };
  }
}

function displayFor(question: Question, choices: Choice[]): (value: string) => Text {
  switch (question.kind) {
    case 'choice': return (value) => choices.find((c) => c.value === value)?.label ?? literal(value);
    case 'file': return (value) => t(value === LATER ? 'value.document.later' : 'value.document.attached');
    case 'date': return (value) => sameInBoth(value, (language) => formatDate(value, language));
    default: return literal;
  }
}

function choice(key: Parameters<typeof t>[0], value: string, aliases?: string[]): Choice {
  return aliases ? { label: t(key), value, aliases } : { label: t(key), value };
}

function literal(value: string): Text {
  return { literal: { ja: value, en: value } };
}

function sameInBoth(_value: string, format: (language: 'ja' | 'en') => string): Text {
  return { literal: { ja: format('ja'), en: format('en') } };
}
