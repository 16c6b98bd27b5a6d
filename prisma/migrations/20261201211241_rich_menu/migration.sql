-- AlterTable
ALTER TABLE "Participant" ADD COLUMN     "richMenuFailedAt" TIMESTAMP(3),
ADD COLUMN     "richMenuId" TEXT,
ADD COLUMN     "richMenuStage" TEXT;

-- CreateTable
CREATE TABLE "RichMenu" (
    "id" UUID NOT NULL,
    "stage" TEXT NOT NULL,
    "lineRichMenuId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "retiredAt" TIMESTAMP(3),
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "RichMenu_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RichMenu_lineRichMenuId_key" ON "RichMenu"("lineRichMenuId");

-- CreateIndex
CREATE INDEX "RichMenu_stage_idx" ON "RichMenu"("stage");

-- Guards (hand-written): one current menu per stage, so two publishes at once cannot both
-- make one current; stages are the five of core/rich-menu/participant-stage.ts.
CREATE UNIQUE INDEX "guard_one_current_rich_menu" ON "RichMenu" ("stage") WHERE "retiredAt" IS NULL;
ALTER TABLE "RichMenu" ADD CONSTRAINT "guard_rich_menu_stage" CHECK ("stage" IN ('new-friend', 'applicant', 'attendee', 'finalist', 'alumni'));
ALTER TABLE "RichMenu" ADD CONSTRAINT "guard_rich_menu_deleted_retired" CHECK ("deletedAt" IS NULL OR "retiredAt" IS NOT NULL);
