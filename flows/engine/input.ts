/**
 * Expected input kinds and their validation. Each kind is a zod schema over the flow
 * input; a failed check carries a stable reason id (the issue message) that maps to a
 * specific re-prompt in the catalog (`reprompt.<reason>`).
 */
import { z } from 'zod';
import type { Choice, FlowInput, Language } from './types.ts';
import { validateEmail } from '../validators/email.ts';
import { validatePhone } from '../validators/phone.ts';
import { validateFurigana } from '../validators/furigana.ts';
import { validateFreeText } from '../validators/free-text.ts';
import { validatePastDate } from '../validators/date.ts';
import { validateMunicipality } from '../validators/municipality.ts';
import { containsMyNumber } from '../validators/my-number.ts';
import { choiceMatches } from './choice-match.ts';

export type InputSpec =
  | { kind: 'choice'; choices: Choice[] }
  | { kind: 'confirm'; choices: Choice[] }
  | { kind: 'text'; maxLength: number; format?: 'kana' | 'municipality' }
  | { kind: 'email' }
  | { kind: 'phone' }
  | { kind: 'date' }
  | { kind: 'number'; min?: number; max?: number }
  | { kind: 'file'; maxBytes: number; allowLater: boolean; laterValue: string };

export interface InputContext {
  /** Today in the program's time zone, for "not in the future". */
  today: string;
  language: Language;
}

export type ParsedInput =
  | { ok: true; value: string; document?: { sourceMessageId: string; fileName: string } }
  | { ok: false; reason: string; params?: Record<string, string | number>; suggestions?: string[] };

/** Why an input was refused; `suggestions` are answers it may have meant (offered as buttons). */
type Issue = { reason: string; params?: Record<string, string | number>; suggestions?: string[] };

/** Validates one input against what a step expects. */
export function parseInput(spec: InputSpec, input: FlowInput, context: InputContext): ParsedInput {
  if (input.type === 'unsupported') {
    if (input.what === 'file-unavailable') return { ok: false, reason: 'file.unavailable' };
    return { ok: false, reason: spec.kind === 'file' ? 'file.expected' : 'input.unsupported' };
  }
  // Whatever the step expects: an Individual Number (or the mark left where the edge cut
  // one out) is never an answer, in a name, an e-mail address or a button typed by hand.
  if (input.type === 'text' && containsMyNumber(input.text)) return { ok: false, reason: 'text.myNumber' };
  if (input.type === 'choice' && containsMyNumber(input.value)) return { ok: false, reason: 'text.myNumber' };
  const result = cachedSchema(spec, context).safeParse(input);
  if (result.success) return { ok: true, ...result.data };
  const issue = result.error.issues[0];
  const detail = (issue as { params?: Issue } | undefined)?.params;
  if (detail?.reason) return { ok: false, reason: detail.reason, params: detail.params, ...(detail.suggestions ? { suggestions: detail.suggestions } : {}) };
  return { ok: false, reason: mismatchReason(spec) };
}

/** The input had the wrong shape (a file where text was expected, say). */
function mismatchReason(spec: InputSpec): string {
  if (spec.kind === 'file') return 'file.expected';
  if (spec.kind === 'choice' || spec.kind === 'confirm') return 'choice.unknown';
  if (spec.kind === 'date') return 'date.invalid';
  return 'input.unsupported';
}

type Parsed = { value: string; document?: { sourceMessageId: string; fileName: string } };

/** Compiled schemas per spec object (steps are shared immutable data) and day. */
const schemas = new WeakMap<InputSpec, Map<string, z.ZodType<Parsed, FlowInput>>>();

function cachedSchema(spec: InputSpec, context: InputContext): z.ZodType<Parsed, FlowInput> {
  let perSpec = schemas.get(spec);
  if (!perSpec) {
    perSpec = new Map();
    schemas.set(spec, perSpec);
  }
  let schema = perSpec.get(context.today);
  if (!schema) {
    if (perSpec.size > 4) perSpec.clear();
    schema = schemaFor(spec, context);
    perSpec.set(context.today, schema);
  }
  return schema;
}

function schemaFor(spec: InputSpec, context: InputContext): z.ZodType<Parsed, FlowInput> {
  switch (spec.kind) {
    case 'choice':
    case 'confirm':
      return choiceSchema(spec.choices);
    case 'text':
      return textSchema((text) => {
        if (spec.format === 'kana') return fromValidator(validateFurigana(text));
        if (spec.format === 'municipality') return fromValidator(validateMunicipality(text));
        const r = validateFreeText(text, { maxLength: spec.maxLength, multiline: true });
        return r.ok ? { value: r.value } : { reason: r.reason, params: paramsOf(r) };
      });
    case 'email':
      return textSchema((text) => fromValidator(validateEmail(text)));
    case 'phone':
      return textSchema((text) => fromValidator(validatePhone(text)));
    case 'date':
      return dateSchema(context.today);
    case 'number':
      return textSchema((text) => parseNumber(text, spec.min, spec.max));
    case 'file':
      return fileSchema(spec);
  }
}

type Check = { value: string } | Issue;

function fromValidator(r: { ok: true; value: string } | { ok: false; reason: string; suggestions?: string[] }): Check {
  if (r.ok) return { value: r.value };
  return { reason: r.reason, params: paramsOf(r), ...(r.suggestions?.length ? { suggestions: r.suggestions } : {}) };
}

function paramsOf(r: object): Record<string, string | number> | undefined {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(r)) {
    if (name === 'ok' || name === 'reason') continue;
    if (typeof value === 'string' || typeof value === 'number') params[name] = value;
    if (Array.isArray(value)) params[name] = value.join('、');
  }
  return Object.keys(params).length > 0 ? params : undefined;
}

/**
 * A button that answers a text question as if the person typed its label (a suggested
 * municipality): its value carries the text.
 */
export const typedChoice = (text: string) => `${SAYS}${text}`;
const SAYS = 'say:';

const textInput = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('choice'), value: z.string().startsWith(SAYS) })
    .transform((input) => ({ type: 'text' as const, text: input.value.slice(SAYS.length) })),
]);

function textSchema(check: (text: string) => Check): z.ZodType<Parsed, FlowInput> {
  return textInput.transform((input, ctx) => {
    const result = check(input.text);
    if ('reason' in result) {
      ctx.addIssue({ code: 'custom', message: result.reason, params: result });
      return z.NEVER;
    }
    return { value: result.value };
  }) as unknown as z.ZodType<Parsed, FlowInput>;
}

function choiceSchema(choices: Choice[]): z.ZodType<Parsed, FlowInput> {
  return z.union([
    z.object({ type: z.literal('choice'), value: z.string() }),
    textInput,
  ]).transform((input, ctx) => {
    const chosen = input.type === 'choice'
      ? choices.find((c) => c.value === input.value)
      : choices.find((c) => choiceMatches(c, input.text));
    if (!chosen) {
      ctx.addIssue({ code: 'custom', message: 'choice.unknown', params: { reason: 'choice.unknown' } });
      return z.NEVER;
    }
    return { value: chosen.value };
  }) as unknown as z.ZodType<Parsed, FlowInput>;
}

function dateSchema(today: string): z.ZodType<Parsed, FlowInput> {
  return z.union([
    z.object({ type: z.literal('date'), date: z.string() }).transform((i) => i.date),
    textInput.transform((i) => i.text),
  ]).transform((text, ctx) => {
    const r = validatePastDate(text, today);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.reason, params: { reason: r.reason } });
      return z.NEVER;
    }
    return { value: r.value };
  }) as unknown as z.ZodType<Parsed, FlowInput>;
}

function fileSchema(spec: Extract<InputSpec, { kind: 'file' }>): z.ZodType<Parsed, FlowInput> {
  const limitMb = Math.floor(spec.maxBytes / (1024 * 1024));
  const file = z.object({
    type: z.literal('file'), fileName: z.string(), sizeBytes: z.number(), isPdf: z.boolean(), sourceMessageId: z.string(),
  });
  const laterChoice: Choice = { label: { key: 'file.later' }, value: spec.laterValue };
  const later = z.union([
    z.object({ type: z.literal('choice'), value: z.literal(spec.laterValue) }),
    textInput.refine((input) => choiceMatches(laterChoice, input.text)),
  ]);
  const accepted = spec.allowLater ? z.union([file, later]) : file;
  return accepted.transform((input, ctx) => {
    if (input.type !== 'file') return { value: spec.laterValue };
    const issue = !input.isPdf ? { reason: 'file.notPdf' }
      : input.sizeBytes > spec.maxBytes ? { reason: 'file.tooLarge', params: { limitMb } }
      : null;
    if (issue) {
      ctx.addIssue({ code: 'custom', message: issue.reason, params: issue });
      return z.NEVER;
    }
    return { value: 'attached', document: { sourceMessageId: input.sourceMessageId, fileName: input.fileName } };
  }) as unknown as z.ZodType<Parsed, FlowInput>;
}

function parseNumber(text: string, min = -Infinity, max = Infinity): Check {
  const normalized = text.normalize('NFKC').replace(/[,\s]/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(normalized)) return { reason: 'number.invalid' };
  const n = Number(normalized);
  if (n < min || n > max) return { reason: 'number.range', params: { min, max } };
  return { value: String(n) };
}
