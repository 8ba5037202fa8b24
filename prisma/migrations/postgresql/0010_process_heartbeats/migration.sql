-- CreateTable
CREATE TABLE "process_heartbeats" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "last_seen_at" TIMESTAMP(3) NOT NULL,
    "signing_key_id" TEXT,
    "published_key_ids" TEXT NOT NULL,
    "connector_health" TEXT NOT NULL,

    CONSTRAINT "process_heartbeats_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "process_heartbeats_last_seen_at_idx" ON "process_heartbeats"("last_seen_at");
