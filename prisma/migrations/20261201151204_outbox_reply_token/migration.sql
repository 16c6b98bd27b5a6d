-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "replyToken" TEXT,
ADD COLUMN     "replyTokenAt" TIMESTAMP(3);
