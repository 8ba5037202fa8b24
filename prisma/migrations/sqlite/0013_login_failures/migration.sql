-- CreateTable
CREATE TABLE "login_failures" (
    "key_hash" TEXT NOT NULL PRIMARY KEY,
    "failures" INTEGER NOT NULL,
    "window_ends_at" BIGINT NOT NULL
);

-- CreateIndex
CREATE INDEX "login_failures_window_ends_at_idx" ON "login_failures"("window_ends_at");
