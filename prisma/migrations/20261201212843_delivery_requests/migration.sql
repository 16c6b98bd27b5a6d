-- CreateEnum
CREATE TYPE "DeliveryRequestStatus" AS ENUM ('pending', 'sent', 'failed');

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "requestId" UUID;

-- CreateTable
CREATE TABLE "DeliveryRequest" (
    "id" UUID NOT NULL,
    "endpoint" TEXT NOT NULL,
    "batchId" UUID NOT NULL,
    "status" "DeliveryRequestStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "DeliveryRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DeliveryRequest_batchId_idx" ON "DeliveryRequest"("batchId");

-- CreateIndex
CREATE INDEX "DeliveryRequest_status_idx" ON "DeliveryRequest"("status");

-- CreateIndex
CREATE INDEX "OutboxMessage_requestId_idx" ON "OutboxMessage"("requestId");

-- AddForeignKey
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "DeliveryRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;
