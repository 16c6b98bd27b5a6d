/**
 * The tables' rows as ouen's SQL reads them, from the models Prisma generates from
 * prisma/schema.prisma. A statement's row type picks its columns from here, e.g.
 * `Pick<tables.Application, 'id' | 'status'>` (with `import type * as tables`), so a
 * column renamed or retyped in the schema fails type-checking wherever a statement reads
 * it; test/core/sql-statements.test.ts prepares the statements themselves.
 *
 * The values are those node-postgres gives on ouen's pools (`createSqlPool`, sql-pool.ts),
 * whose parsers answer as Prisma does: timestamps without time zone as UTC Dates, int8 as
 * BigInt; uuids and enums are strings, json comes parsed, arrays as arrays. One
 * difference: bytea is a Buffer (Prisma's type says Uint8Array), mapped below.
 * Type-only: the server never loads the Prisma client.
 */
import type * as models from '../../generated/prisma/client.ts';

/** A column's value as node-postgres reads it. */
type PgValue<Value> = Value extends Uint8Array ? Buffer : Value;
type AsRead<Model> = { [Column in keyof Model]: PgValue<Model[Column]> };

export type Participant = AsRead<models.Participant>;
export type Conversation = AsRead<models.Conversation>;
export type Consent = AsRead<models.Consent>;
export type Contest = AsRead<models.Contest>;
export type Application = AsRead<models.Application>;
export type ApplicationDocument = AsRead<models.ApplicationDocument>;
export type InboxEvent = AsRead<models.InboxEvent>;
export type OutboxMessage = AsRead<models.OutboxMessage>;
export type JudgingRound = AsRead<models.JudgingRound>;
export type JudgingScore = AsRead<models.JudgingScore>;
export type Decision = AsRead<models.Decision>;
export type Approval = AsRead<models.Approval>;
export type AudienceVote = AsRead<models.AudienceVote>;
export type AuditLog = AsRead<models.AuditLog>;
export type StaffNotice = AsRead<models.StaffNotice>;
export type DiscordThread = AsRead<models.DiscordThread>;
export type Handoff = AsRead<models.Handoff>;
export type Event = AsRead<models.Event>;
export type EventRegistration = AsRead<models.EventRegistration>;
export type BoothSlot = AsRead<models.BoothSlot>;
export type Consultation = AsRead<models.Consultation>;
export type Send = AsRead<models.Send>;
export type RichMenu = AsRead<models.RichMenu>;
export type Schedule = AsRead<models.Schedule>;
export type Seminar = AsRead<models.Seminar>;
export type SeminarBooking = AsRead<models.SeminarBooking>;
export type DeliveryRequest = AsRead<models.DeliveryRequest>;

/** A json column's object, as Prisma types it. */
export type JsonObject = models.Prisma.JsonObject;

/**
 * Columns a statement computes (`count(*)::int`, `EXISTS (…)`, a comparison): no table
 * declares them, so they are typed by hand, here and visibly so.
 */
export type Computed<Columns> = Columns;

/**
 * Columns whose content ouen knows more exactly than the schema says: a json document's
 * shape, a text column that holds one of a union (a round id). Each narrowed type must
 * still fit the column's own type, so a column retyped in the schema fails here too.
 */
export type Narrowed<Row, Columns extends { [Column in keyof Columns]: Column extends keyof Row ? Row[Column] : never }> =
  Omit<Row, keyof Columns> & Columns;
