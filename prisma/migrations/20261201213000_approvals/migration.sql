-- Judging publications become approvals: one mechanism for every outgoing batch held
-- until an approver answers (judging results, broadcasts, later surveys). Renamed in
-- place, so every existing publication, its decisions and its held messages are kept:
-- each becomes an approval of kind `judging-results` whose subject is its round.

-- Type and table
ALTER TYPE "PublicationStatus" RENAME TO "ApprovalStatus";
ALTER TABLE "Publication" RENAME TO "Approval";
ALTER TABLE "Approval" RENAME CONSTRAINT "Publication_pkey" TO "Approval_pkey";
ALTER INDEX "Publication_contestId_roundId_idx" RENAME TO "Approval_contestId_roundId_idx";

-- New columns, filled for the existing rows before they are required
ALTER TABLE "Approval" ADD COLUMN "kind" TEXT,
ADD COLUMN "subject" TEXT,
ADD COLUMN "segment" JSONB,
ADD COLUMN "sendAt" TIMESTAMP(3),
ADD COLUMN "sendId" UUID,
ALTER COLUMN "contestId" DROP NOT NULL,
ALTER COLUMN "roundId" DROP NOT NULL;
UPDATE "Approval" SET "kind" = 'judging-results', "subject" = "contestId" || ':' || "roundId";
-- The send of each publication's messages (one per publication since sends exist).
UPDATE "Approval" a SET "sendId" = (SELECT o."sendId" FROM "OutboxMessage" o WHERE o."publicationId" = a."id" AND o."sendId" IS NOT NULL LIMIT 1);
ALTER TABLE "Approval" ALTER COLUMN "kind" SET NOT NULL, ALTER COLUMN "subject" SET NOT NULL;
CREATE INDEX "Approval_kind_status_idx" ON "Approval"("kind", "status");
ALTER TABLE "Approval" ADD CONSTRAINT "Approval_sendId_fkey" FOREIGN KEY ("sendId") REFERENCES "Send"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Decisions
ALTER TABLE "Decision" RENAME COLUMN "publicationId" TO "approvalId";
ALTER INDEX "Decision_publicationId_idx" RENAME TO "Decision_approvalId_idx";
ALTER TABLE "Decision" RENAME CONSTRAINT "Decision_publicationId_fkey" TO "Decision_approvalId_fkey";

-- Outbox
ALTER TABLE "OutboxMessage" RENAME COLUMN "publicationId" TO "approvalId";
ALTER INDEX "OutboxMessage_publicationId_idx" RENAME TO "OutboxMessage_approvalId_idx";
ALTER TABLE "OutboxMessage" RENAME CONSTRAINT "OutboxMessage_publicationId_fkey" TO "OutboxMessage_approvalId_fkey";

-- Guards, renamed with what they guard (their conditions follow the renamed columns).
ALTER TABLE "Decision" RENAME CONSTRAINT "guard_decision_publication" TO "guard_decision_approval";
ALTER INDEX "guard_one_awaiting_publication" RENAME TO "guard_one_awaiting_results";
ALTER TABLE "Approval" RENAME CONSTRAINT "guard_publication_decided" TO "guard_approval_decided";
ALTER TABLE "OutboxMessage" RENAME CONSTRAINT "guard_held_has_publication" TO "guard_held_has_approval";
-- Results name their round; other kinds name none.
ALTER TABLE "Approval" ADD CONSTRAINT "guard_approval_round" CHECK (("kind" = 'judging-results') = ("contestId" IS NOT NULL AND "roundId" IS NOT NULL));
