-- CreateTable
CREATE TABLE "revocations" (
    "id" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "revocations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "revocations_expires_at_idx" ON "revocations"("expires_at");
