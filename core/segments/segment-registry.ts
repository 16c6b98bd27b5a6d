/**
 * Segments: who a broadcast (and later a survey) goes to, by name. Each segment parses
 * its own parameters with zod and answers participant ids from the database; a later
 * module (seminar or booth bookers, survey non-respondents) adds its own with
 * `registerSegment` and nothing else changes.
 *
 * News consent: a flow that asks "may we send you news?" records it as the consent
 * purpose `news` (`recordConsent` effect). No built-in flow asks yet, so `news` starts
 * empty; `followers` — everyone who can be reached and has not refused news — is the
 * segment for program-wide announcements until one does (README, "Approvals and broadcasts").
 *
 * @example
 * const ids = await segmentRecipients(db, program, { id: 'applicants', params: { status: 'submitted' } });
 */
import { z } from 'zod';
import type * as tables from '../db/tables.ts';
import type { SqlClient } from '../db/types.ts';
import { ROUND_ORDER, type RoundId } from '../judging/judging-config.ts';
import { findEntrants } from '../judging/judging.repository.ts';
import type { Program } from '../program/load-program.ts';

/** The consent purpose a flow records when someone agrees to receive news. */
export const NEWS_PURPOSE = 'news';

export interface SegmentChoice {
  id: string;
  params: Record<string, string>;
}

export interface Segment {
  id: string;
  /** Staff's names for it, e.g. shown in the preview. */
  label: { ja: string; en: string };
  params: z.ZodType<Record<string, string>>;
  /** Participant ids, each once. */
  recipients(db: SqlClient, program: Program, params: Record<string, string>): Promise<string[]>;
}

type Ids = Pick<tables.Participant, 'id'>;
const ids = (rows: Ids[]) => [...new Set(rows.map((r) => r.id))];
const noParams = z.object({}).strict() as unknown as z.ZodType<Record<string, string>>;

const applicants: Segment = {
  id: 'applicants',
  label: { ja: '応募者', en: 'Applicants' },
  params: z.object({ status: z.enum(['draft', 'submitted']).optional() }).strict() as z.ZodType<Record<string, string>>,
  async recipients(db, program, params) {
    const status = params.status ?? null;
    return ids(await db.rows<Ids>`
      SELECT a."participantId"::text AS "id" FROM "Application" a
      WHERE a."contestId" = ${program.contest.id} AND a."status" <> 'withdrawn' AND (${status}::text IS NULL OR a."status"::text = ${status}::text)`);
  },
};

const roundEntrants: Segment = {
  id: 'round',
  label: { ja: '審査ラウンドの対象者', en: 'Entrants of a judging round' },
  params: z.object({ round: z.enum(ROUND_ORDER as unknown as [RoundId, ...RoundId[]]) }).strict() as z.ZodType<Record<string, string>>,
  async recipients(db, program, params) {
    return [...new Set((await findEntrants(db, program.contest.id, params.round as RoundId)).map((e) => e.participantId))];
  },
};

function eventSegment(id: 'event-registrants' | 'waitlisted', status: 'registered' | 'waitlisted', label: Segment['label']): Segment {
  return {
    id, label, params: noParams,
    async recipients(db, program) {
      if (!program.event) return [];
      return ids(await db.rows<Ids>`
        SELECT "participantId"::text AS "id" FROM "EventRegistration"
        WHERE "eventId" = ${program.event.id} AND "status" = ${status}::"EventRegistrationStatus" ORDER BY "joinOrder"`);
    },
  };
}

const news: Segment = {
  id: 'news',
  label: { ja: 'お知らせ受信に同意した人', en: 'Everyone who agreed to news' },
  params: noParams,
  async recipients(db) {
    return ids(await db.rows<Ids>`
      SELECT c."participantId"::text AS "id" FROM (
        SELECT DISTINCT ON ("participantId") "participantId", "granted" FROM "Consent" WHERE "purpose" = ${NEWS_PURPOSE}
        ORDER BY "participantId", "decidedAt" DESC, "id") c
      WHERE c."granted"`);
  },
};

const followers: Segment = {
  id: 'followers',
  label: { ja: '友だち全員（ブロック・お知らせ拒否を除く）', en: 'All followers (not blocked, not refusing news)' },
  params: noParams,
  async recipients(db) {
    return ids(await db.rows<Ids>`
      SELECT p."id"::text AS "id" FROM "Participant" p
      WHERE p."unreachableAt" IS NULL AND NOT EXISTS (
        SELECT 1 FROM (SELECT DISTINCT ON ("participantId") "granted" FROM "Consent"
                       WHERE "participantId" = p."id" AND "purpose" = ${NEWS_PURPOSE} ORDER BY "participantId", "decidedAt" DESC, "id") c
        WHERE NOT c."granted")
      ORDER BY p."createdAt", p."id"`);
  },
};

const registry = new Map<string, Segment>();

/** Adds a segment (a later module's bookers or non-respondents); an id is registered once. */
export function registerSegment(segment: Segment): void {
  if (registry.has(segment.id)) throw new Error(`segment ${segment.id} is registered already`);
  registry.set(segment.id, segment);
}

for (const segment of [applicants, roundEntrants, eventSegment('event-registrants', 'registered', { ja: 'イベント参加登録者', en: 'Event registrants' }),
  eventSegment('waitlisted', 'waitlisted', { ja: 'キャンセル待ちの人', en: 'Waitlisted' }), news, followers]) registerSegment(segment);

export function segmentById(id: string): Segment | undefined {
  return registry.get(id);
}

export function segmentIds(): string[] {
  return [...registry.keys()];
}

/** The segment's recipients; null when the segment is unknown or its parameters do not fit it. */
export async function segmentRecipients(db: SqlClient, program: Program, choice: SegmentChoice): Promise<string[] | null> {
  const segment = registry.get(choice.id);
  const params = segment?.params.safeParse(choice.params);
  if (!segment || !params?.success) return null;
  return segment.recipients(db, program, params.data);
}
