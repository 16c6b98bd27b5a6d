-- CreateEnum
CREATE TYPE "ScheduleStatus" AS ENUM ('pending', 'done', 'cancelled');

-- CreateTable
CREATE TABLE "Schedule" (
    "id" UUID NOT NULL,
    "reminder" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "participantId" UUID,
    "slot" TEXT,
    "runAt" TIMESTAMP(3) NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "status" "ScheduleStatus" NOT NULL DEFAULT 'pending',
    "dedupeKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "firedAt" TIMESTAMP(3),

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Schedule_dedupeKey_key" ON "Schedule"("dedupeKey");

-- CreateIndex
CREATE INDEX "Schedule_status_runAt_idx" ON "Schedule"("status", "runAt");

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
