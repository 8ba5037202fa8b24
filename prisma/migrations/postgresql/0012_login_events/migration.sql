-- CreateTable
CREATE TABLE "login_events" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "type" TEXT NOT NULL,
    "reason" TEXT,
    "user_id" TEXT,
    "email" TEXT,
    "connector_id" TEXT,
    "client_id" TEXT,
    "client_address" TEXT,

    CONSTRAINT "login_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "login_events_at_idx" ON "login_events"("at");

-- CreateIndex
CREATE INDEX "login_events_type_at_idx" ON "login_events"("type", "at");
