-- CreateEnum
CREATE TYPE "SeminarBookingStatus" AS ENUM ('booked', 'waitlisted', 'offered', 'cancelled', 'left', 'declined', 'expired');

-- CreateTable
CREATE TABLE "Seminar" (
    "id" TEXT NOT NULL,
    "capacity" INTEGER NOT NULL,
    "heldCount" INTEGER NOT NULL DEFAULT 0,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "roomJa" TEXT NOT NULL,
    "roomEn" TEXT NOT NULL,
    "configDigest" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Seminar_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SeminarBooking" (
    "id" UUID NOT NULL,
    "seminarId" TEXT NOT NULL,
    "participantId" UUID NOT NULL,
    "status" "SeminarBookingStatus" NOT NULL,
    "joinOrder" BIGSERIAL NOT NULL,
    "offeredAt" TIMESTAMP(3),
    "offerExpiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "SeminarBooking_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SeminarBooking_seminarId_status_joinOrder_idx" ON "SeminarBooking"("seminarId", "status", "joinOrder");

-- CreateIndex
CREATE INDEX "SeminarBooking_participantId_status_idx" ON "SeminarBooking"("participantId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "SeminarBooking_seminarId_joinOrder_key" ON "SeminarBooking"("seminarId", "joinOrder");

-- AddForeignKey
ALTER TABLE "SeminarBooking" ADD CONSTRAINT "SeminarBooking_seminarId_fkey" FOREIGN KEY ("seminarId") REFERENCES "Seminar"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SeminarBooking" ADD CONSTRAINT "SeminarBooking_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written guards (schema.prisma cannot express checks or partial indexes; their names
-- start with guard_ so the drift test knows them). core/seminars takes seats with a
-- conditional update under the seminar row's lock; these make a bug or a race fail
-- instead of overbooking.

-- Never more seats held than there are, never fewer than none.
ALTER TABLE "Seminar" ADD CONSTRAINT "guard_seminar_capacity" CHECK ("capacity" >= 0);
ALTER TABLE "Seminar" ADD CONSTRAINT "guard_seminar_seats" CHECK ("heldCount" >= 0 AND "heldCount" <= "capacity");
ALTER TABLE "Seminar" ADD CONSTRAINT "guard_seminar_times" CHECK ("startsAt" < "endsAt");

-- At most one live booking per person per seminar.
CREATE UNIQUE INDEX "guard_one_live_seminar_booking" ON "SeminarBooking" ("seminarId", "participantId")
  WHERE "status" IN ('booked', 'waitlisted', 'offered');

-- An offer carries its hold, and only an offer does; an ended booking carries when it ended.
ALTER TABLE "SeminarBooking" ADD CONSTRAINT "guard_seminar_offer_hold" CHECK (("status" = 'offered') = ("offerExpiresAt" IS NOT NULL));
ALTER TABLE "SeminarBooking" ADD CONSTRAINT "guard_seminar_booking_ended"
  CHECK (("status" IN ('cancelled', 'left', 'declined', 'expired')) = ("endedAt" IS NOT NULL));
