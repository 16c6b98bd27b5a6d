-- CreateIndex
CREATE INDEX "InboxEvent_lineUserId_status_idx" ON "InboxEvent"("lineUserId", "status");
