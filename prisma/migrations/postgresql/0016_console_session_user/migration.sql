-- AlterTable
ALTER TABLE "console_sessions" ADD COLUMN     "user_id" TEXT;
