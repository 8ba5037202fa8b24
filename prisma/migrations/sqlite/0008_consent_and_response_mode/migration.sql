-- AlterTable
ALTER TABLE "clients" ADD COLUMN "trusted" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "clients" ADD COLUMN "registered" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "auth_sessions" ADD COLUMN "response_mode" TEXT NOT NULL DEFAULT 'query';
ALTER TABLE "auth_sessions" ADD COLUMN "force_consent" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "consents" (
    "user_id" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,

    PRIMARY KEY ("user_id", "client_id"),
    CONSTRAINT "consents_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "consents_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "consents_client_id_idx" ON "consents"("client_id");

-- Data: clients that dynamic registration created (its audit events name them) are marked
-- registered, and every other client that exists now (created by an admin before the approval
-- screen existed) is marked trusted, so upgrading shows no new screen to their users.
-- New clients start untrusted.
UPDATE "clients" SET "registered" = true
WHERE "id" IN (SELECT "target_id" FROM "audit_events" WHERE "actor" = 'dynamic-registration' AND "action" = 'client.create' AND "target_type" = 'client');
UPDATE "clients" SET "trusted" = true WHERE "registered" = false;
