-- CreateEnum
CREATE TYPE "ConsultationStatus" AS ENUM ('booked', 'cancelled', 'moved', 'noShow');

-- CreateTable
CREATE TABLE "BoothSlot" (
    "id" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "boothId" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "bookedCount" INTEGER NOT NULL DEFAULT 0,
    "retiredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BoothSlot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Consultation" (
    "id" UUID NOT NULL,
    "slotId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "boothId" TEXT NOT NULL,
    "participantId" UUID NOT NULL,
    "status" "ConsultationStatus" NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "intakeSealed" TEXT NOT NULL,
    "movedToId" UUID,
    "noShowBy" TEXT,
    "bookedAt" TIMESTAMP(3) NOT NULL,
    "cancelledAt" TIMESTAMP(3),
    "noShowAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Consultation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BoothSlot_eventId_boothId_startsAt_idx" ON "BoothSlot"("eventId", "boothId", "startsAt");

-- CreateIndex
CREATE INDEX "Consultation_slotId_status_idx" ON "Consultation"("slotId", "status");

-- CreateIndex
CREATE INDEX "Consultation_participantId_eventId_status_idx" ON "Consultation"("participantId", "eventId", "status");

-- AddForeignKey
ALTER TABLE "Consultation" ADD CONSTRAINT "Consultation_slotId_fkey" FOREIGN KEY ("slotId") REFERENCES "BoothSlot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consultation" ADD CONSTRAINT "Consultation_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written guards (schema.prisma cannot express checks, partial unique indexes or
-- exclusion constraints; their names start with guard_ so the drift test knows them).
-- core/consultations takes a place with a conditional update under the event's
-- consultation lock; these make a bug or a race fail instead of overbooking.

-- Never more places taken in a slot than it has, never fewer than none.
ALTER TABLE "BoothSlot" ADD CONSTRAINT "guard_booth_slot_capacity" CHECK ("capacity" >= 0);
ALTER TABLE "BoothSlot" ADD CONSTRAINT "guard_booth_slot_places" CHECK ("bookedCount" >= 0 AND "bookedCount" <= "capacity");
ALTER TABLE "BoothSlot" ADD CONSTRAINT "guard_booth_slot_times" CHECK ("startsAt" < "endsAt");

-- A person holds at most one live consultation in a slot (a double tap books once).
CREATE UNIQUE INDEX "guard_one_consultation_per_slot" ON "Consultation" ("slotId", "participantId") WHERE "status" = 'booked';

-- A person's live consultations never overlap in time, whichever booths they are at.
-- btree_gist gives GiST the uuid equality; it ships with PostgreSQL (contrib) and is a
-- trusted extension, so a database owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE "Consultation" ADD CONSTRAINT "guard_consultation_no_overlap"
  EXCLUDE USING gist ("participantId" WITH =, tsrange("startsAt", "endsAt") WITH &&) WHERE ("status" = 'booked');

-- Each closing state carries its own mark, and only it.
ALTER TABLE "Consultation" ADD CONSTRAINT "guard_consultation_cancelled" CHECK (("status" = 'cancelled') = ("cancelledAt" IS NOT NULL));
ALTER TABLE "Consultation" ADD CONSTRAINT "guard_consultation_moved" CHECK (("status" = 'moved') = ("movedToId" IS NOT NULL));
ALTER TABLE "Consultation" ADD CONSTRAINT "guard_consultation_no_show" CHECK (("status" = 'noShow') = ("noShowAt" IS NOT NULL AND "noShowBy" IS NOT NULL));
ALTER TABLE "Consultation" ADD CONSTRAINT "guard_consultation_times" CHECK ("startsAt" < "endsAt");
