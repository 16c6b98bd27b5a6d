-- Outbox rows carry channel-neutral content, rendered at send time. Rows written before
-- this migration keep their rendered LINE messages in the renamed column; the worker
-- recognises that older shape (a JSON array) and sends it as it is.
ALTER TABLE "OutboxMessage" RENAME COLUMN "messagesSealed" TO "contentSealed";
ALTER TABLE "OutboxMessage" RENAME COLUMN "reason" TO "kind";
ALTER TABLE "OutboxMessage" ADD COLUMN "dedupeKey" TEXT,
ADD COLUMN "entity" TEXT,
ADD COLUMN "entityId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_dedupeKey_key" ON "OutboxMessage"("dedupeKey");
