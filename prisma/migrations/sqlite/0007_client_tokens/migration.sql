-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_clients" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "secret_hash" TEXT,
    "name" TEXT NOT NULL DEFAULT '',
    "logo_uri" TEXT,
    "client_uri" TEXT,
    "admin" BOOLEAN NOT NULL DEFAULT false,
    "public" BOOLEAN NOT NULL DEFAULT false,
    "access_token_format" TEXT NOT NULL DEFAULT 'opaque',
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL
);
INSERT INTO "new_clients" ("admin", "client_uri", "created_at", "id", "logo_uri", "name", "public", "secret_hash", "updated_at") SELECT "admin", "client_uri", "created_at", "id", "logo_uri", "name", "public", "secret_hash", "updated_at" FROM "clients";
DROP TABLE "clients";
ALTER TABLE "new_clients" RENAME TO "clients";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- A public client has no secret (it cannot keep one): drop the hashes stored before.
UPDATE "clients" SET "secret_hash" = NULL WHERE "public" = true;
