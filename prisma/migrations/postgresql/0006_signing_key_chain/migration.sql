-- CreateTable
CREATE TABLE "signing_key_chain" (
    "id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "publish_delay_ms" INTEGER,
    "changed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signing_key_chain_pkey" PRIMARY KEY ("id")
);
