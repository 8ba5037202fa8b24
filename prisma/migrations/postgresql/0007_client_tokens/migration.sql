-- AlterTable
ALTER TABLE "clients" ADD COLUMN     "access_token_format" TEXT NOT NULL DEFAULT 'opaque';

-- A public client has no secret (it cannot keep one): drop the hashes stored before.
UPDATE "clients" SET "secret_hash" = NULL WHERE "public" = true;
