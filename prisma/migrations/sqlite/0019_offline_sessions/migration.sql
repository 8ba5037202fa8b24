-- CreateTable
CREATE TABLE "offline_sessions" (
    "user_id" TEXT NOT NULL,
    "connector_id" TEXT NOT NULL,
    "groups" TEXT NOT NULL,
    "connector_data" TEXT,
    "refreshed_at" DATETIME NOT NULL,
    "refreshing_until" DATETIME,

    PRIMARY KEY ("user_id", "connector_id"),
    CONSTRAINT "offline_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
