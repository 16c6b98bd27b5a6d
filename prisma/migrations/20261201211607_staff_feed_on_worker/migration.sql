-- AlterTable
ALTER TABLE "StaffNotice" DROP COLUMN "claimedUntil";

-- AlterTable
ALTER TABLE "DiscordThread" ALTER COLUMN "threadId" DROP NOT NULL;
