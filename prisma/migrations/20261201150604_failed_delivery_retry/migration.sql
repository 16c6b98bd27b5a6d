-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "firstAttemptAt" TIMESTAMP(3),
ADD COLUMN     "refusedAttempts" INTEGER NOT NULL DEFAULT 0;
