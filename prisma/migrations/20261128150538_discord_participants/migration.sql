-- AlterTable
ALTER TABLE "Participant" ADD COLUMN     "discordUserId" TEXT,
ALTER COLUMN "lineUserId" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Participant_discordUserId_key" ON "Participant"("discordUserId");

-- Hand-written guard: a participant is reached through exactly one channel.
ALTER TABLE "Participant" ADD CONSTRAINT "guard_one_channel" CHECK (("lineUserId" IS NULL) <> ("discordUserId" IS NULL));
