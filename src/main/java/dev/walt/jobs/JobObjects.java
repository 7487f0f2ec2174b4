package dev.walt.jobs;

import dev.walt.storage.ObjectStorage;
import java.util.UUID;

/**
 * Where a job's objects live in the bucket. Output keys derive from the job id and the attempt, so two
 * attempts of one job never write the same object, only the guarded finishing write makes one
 * attempt's objects the job's result, and everything any attempt uploaded lies under
 * {@link #jobPrefix}.
 */
public final class JobObjects {

  private JobObjects() {}

  /** {@code videos/{jobId}/}: the folder of every output any attempt of the job uploaded. */
  public static String jobPrefix(UUID jobId) {
    return "videos/" + jobId + "/";
  }

  /** {@code videos/{jobId}/{attempt}/{name}}, e.g. {@code video.mp4}, {@code thumbnail.jpg}. */
  public static String outputKey(UUID jobId, int attempt, String name) {
    return jobPrefix(jobId) + attempt + "/" + name;
  }

  /** Deletes every output of every attempt of the job, and its input image. */
  static void deleteAll(ObjectStorage storage, Job job) {
    for (String key : storage.list(jobPrefix(job.id()))) {
      storage.delete(key);
    }
    if (job.inputImageKey() != null) {
      storage.delete(job.inputImageKey());
    }
  }
}
