-- AlterTable
ALTER TABLE "StaffNotice" ADD COLUMN     "claimedUntil" TIMESTAMP(3);
