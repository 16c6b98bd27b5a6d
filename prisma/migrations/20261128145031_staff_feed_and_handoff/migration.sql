-- CreateEnum
CREATE TYPE "StaffNoticeStatus" AS ENUM ('pending', 'sent', 'skipped', 'failed');

-- CreateEnum
CREATE TYPE "HandoffStatus" AS ENUM ('open', 'closed');

-- CreateTable
CREATE TABLE "StaffNotice" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "entityId" UUID NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "payloadSealed" TEXT,
    "status" "StaffNoticeStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "StaffNotice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DiscordThread" (
    "entity" TEXT NOT NULL,
    "entityId" UUID NOT NULL,
    "channelId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DiscordThread_pkey" PRIMARY KEY ("entity","entityId")
);

-- CreateTable
CREATE TABLE "Handoff" (
    "id" UUID NOT NULL,
    "participantId" UUID NOT NULL,
    "status" "HandoffStatus" NOT NULL DEFAULT 'open',
    "reason" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "closedBy" TEXT,

    CONSTRAINT "Handoff_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StaffNotice_status_id_idx" ON "StaffNotice"("status", "id");

-- CreateIndex
CREATE UNIQUE INDEX "DiscordThread_threadId_key" ON "DiscordThread"("threadId");

-- CreateIndex
CREATE INDEX "Handoff_participantId_status_idx" ON "Handoff"("participantId", "status");

-- AddForeignKey
ALTER TABLE "Handoff" ADD CONSTRAINT "Handoff_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written guards (see the judging migration).
-- One open handoff per participant: a second request joins the open one.
CREATE UNIQUE INDEX "guard_one_open_handoff" ON "Handoff" ("participantId") WHERE "status" = 'open';
ALTER TABLE "Handoff" ADD CONSTRAINT "guard_handoff_closed" CHECK (("status" = 'open') = ("closedAt" IS NULL));
ALTER TABLE "DiscordThread" ADD CONSTRAINT "guard_thread_entity" CHECK ("entity" IN ('application', 'handoff'));
