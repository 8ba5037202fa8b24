-- CreateTable
CREATE TABLE "offline_sessions" (
    "user_id" TEXT NOT NULL,
    "connector_id" TEXT NOT NULL,
    "groups" TEXT NOT NULL,
    "connector_data" TEXT,
    "refreshed_at" TIMESTAMP(3) NOT NULL,
    "refreshing_until" TIMESTAMP(3),

    CONSTRAINT "offline_sessions_pkey" PRIMARY KEY ("user_id","connector_id")
);

-- AddForeignKey
ALTER TABLE "offline_sessions" ADD CONSTRAINT "offline_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
