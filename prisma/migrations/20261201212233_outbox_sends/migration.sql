-- AlterTable: rows written before have a digest of their own, so none is grouped with another.
ALTER TABLE "OutboxMessage" ADD COLUMN     "contentHash" TEXT,
ADD COLUMN     "sendId" UUID;
UPDATE "OutboxMessage" SET "contentHash" = 'unshared:' || "id"::text;
ALTER TABLE "OutboxMessage" ALTER COLUMN "contentHash" SET NOT NULL;

-- CreateTable
CREATE TABLE "Send" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Send_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OutboxMessage_sendId_status_idx" ON "OutboxMessage"("sendId", "status");

-- AddForeignKey
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_sendId_fkey" FOREIGN KEY ("sendId") REFERENCES "Send"("id") ON DELETE SET NULL ON UPDATE CASCADE;
