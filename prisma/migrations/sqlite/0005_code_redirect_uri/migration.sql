-- AlterTable
ALTER TABLE "auth_sessions" ADD COLUMN "redirect_uri_given" BOOLEAN NOT NULL DEFAULT false;
