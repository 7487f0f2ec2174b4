package dev.walt.storage;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a start that failed on the bucket into a short "APPLICATION FAILED TO START" report. */
final class BucketUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<BucketUnavailableException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, BucketUnavailableException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Check WALT_S3_ENDPOINT, WALT_S3_BUCKET, WALT_S3_ACCESS_KEY and WALT_S3_SECRET_KEY; create the bucket, "
            + "or allow walt to create it (walt.s3.create-bucket=true and credentials allowed to create buckets).",
        cause);
  }
}
