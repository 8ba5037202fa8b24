-- CreateTable
CREATE TABLE "process_heartbeats" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "started_at" DATETIME NOT NULL,
    "last_seen_at" DATETIME NOT NULL,
    "signing_key_id" TEXT,
    "published_key_ids" TEXT NOT NULL,
    "connector_health" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "process_heartbeats_last_seen_at_idx" ON "process_heartbeats"("last_seen_at");
