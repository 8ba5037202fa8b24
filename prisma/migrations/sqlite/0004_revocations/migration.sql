-- CreateTable
CREATE TABLE "revocations" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "expires_at" DATETIME NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "revocations_expires_at_idx" ON "revocations"("expires_at");
