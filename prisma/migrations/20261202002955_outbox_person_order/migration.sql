-- CreateIndex
CREATE INDEX "OutboxMessage_participantId_status_idx" ON "OutboxMessage"("participantId", "status");
