-- DropIndex
DROP INDEX "OutboxMessage_requestId_idx";

-- DropIndex
DROP INDEX "DeliveryRequest_batchId_idx";

-- CreateIndex
CREATE INDEX "OutboxMessage_requestId_status_idx" ON "OutboxMessage"("requestId", "status");

-- CreateIndex
CREATE INDEX "DeliveryRequest_batchId_status_idx" ON "DeliveryRequest"("batchId", "status");
