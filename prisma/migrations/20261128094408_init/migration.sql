-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ApplicationStatus" AS ENUM ('draft', 'submitted', 'withdrawn');

-- CreateEnum
CREATE TYPE "InboxStatus" AS ENUM ('pending', 'processed', 'ignored', 'failed');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('pending', 'sent', 'skipped', 'failed');

-- CreateTable
CREATE TABLE "Participant" (
    "id" UUID NOT NULL,
    "lineUserId" TEXT NOT NULL,
    "language" TEXT NOT NULL DEFAULT 'ja',
    "unreachableAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Participant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Conversation" (
    "participantId" UUID NOT NULL,
    "flowId" TEXT,
    "stepId" TEXT,
    "stateSealed" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("participantId")
);

-- CreateTable
CREATE TABLE "Consent" (
    "id" UUID NOT NULL,
    "participantId" UUID NOT NULL,
    "purpose" TEXT NOT NULL,
    "noticeVersion" TEXT NOT NULL,
    "granted" BOOLEAN NOT NULL,
    "decidedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Consent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contest" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "receiptPrefix" TEXT NOT NULL,
    "opensAt" TIMESTAMP(3) NOT NULL,
    "deadline" TIMESTAMP(3) NOT NULL,
    "receiptSeq" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Contest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Application" (
    "id" UUID NOT NULL,
    "contestId" TEXT NOT NULL,
    "participantId" UUID NOT NULL,
    "status" "ApplicationStatus" NOT NULL DEFAULT 'draft',
    "receiptNumber" TEXT,
    "answersSealed" TEXT NOT NULL,
    "emailIndex" TEXT,
    "municipality" TEXT,
    "workshopOrigin" BOOLEAN,
    "category" TEXT,
    "submittedAt" TIMESTAMP(3),
    "withdrawnAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApplicationDocument" (
    "id" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "sourceMessageId" TEXT NOT NULL,
    "fileNameSealed" TEXT NOT NULL,
    "contentSealed" BYTEA NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApplicationDocument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboxEvent" (
    "webhookEventId" TEXT NOT NULL,
    "lineUserId" TEXT,
    "eventType" TEXT NOT NULL,
    "payloadSealed" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "InboxStatus" NOT NULL DEFAULT 'pending',
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "InboxEvent_pkey" PRIMARY KEY ("webhookEventId")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" UUID NOT NULL,
    "participantId" UUID NOT NULL,
    "messagesSealed" TEXT NOT NULL,
    "retryKey" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "notBefore" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Participant_lineUserId_key" ON "Participant"("lineUserId");

-- CreateIndex
CREATE INDEX "Consent_participantId_purpose_idx" ON "Consent"("participantId", "purpose");

-- CreateIndex
CREATE UNIQUE INDEX "Application_receiptNumber_key" ON "Application"("receiptNumber");

-- CreateIndex
CREATE INDEX "Application_contestId_status_idx" ON "Application"("contestId", "status");

-- CreateIndex
CREATE INDEX "Application_emailIndex_idx" ON "Application"("emailIndex");

-- CreateIndex
CREATE UNIQUE INDEX "Application_contestId_participantId_key" ON "Application"("contestId", "participantId");

-- CreateIndex
CREATE UNIQUE INDEX "ApplicationDocument_sourceMessageId_key" ON "ApplicationDocument"("sourceMessageId");

-- CreateIndex
CREATE INDEX "InboxEvent_status_receivedAt_idx" ON "InboxEvent"("status", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_retryKey_key" ON "OutboxMessage"("retryKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_notBefore_idx" ON "OutboxMessage"("status", "notBefore");

-- CreateIndex
CREATE UNIQUE INDEX "AuditLog_hash_key" ON "AuditLog"("hash");

-- CreateIndex
CREATE INDEX "AuditLog_entity_entityId_idx" ON "AuditLog"("entity", "entityId");

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consent" ADD CONSTRAINT "Consent_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Application" ADD CONSTRAINT "Application_contestId_fkey" FOREIGN KEY ("contestId") REFERENCES "Contest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Application" ADD CONSTRAINT "Application_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationDocument" ADD CONSTRAINT "ApplicationDocument_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written (not expressible in schema.prisma): "AuditLog" is append-only.
-- Statement-level, so even an UPDATE or DELETE that matches no row is refused.
-- DROP TABLE and superusers disabling triggers are out of its reach by design.
CREATE FUNCTION "audit_log_reject_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '"AuditLog" is append-only: % is not allowed', TG_OP
        USING HINT = 'Record a correction as a new audit entry instead.';
END;
$$;

CREATE TRIGGER "AuditLog_append_only"
    BEFORE UPDATE OR DELETE OR TRUNCATE ON "AuditLog"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_reject_change"();
