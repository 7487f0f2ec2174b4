package dev.walt.jobs;

/**
 * The objects of jobs in the bucket, as the job lifecycle needs them: workers upload outputs, deletion
 * and retention remove them. Implemented over the shared object storage.
 *
 * <p>Keys of outputs derive from the job id and the attempt ({@link #outputKey}), so that two attempts
 * of one job never write the same object and everything a job ever wrote lies under
 * {@link #jobPrefix}.
 */
public interface JobStorage {

  void put(String key, byte[] bytes, String contentType);

  byte[] get(String key);

  /** Deletes one object; deleting a missing object is not an error. */
  void delete(String key);

  /** Deletes every object whose key starts with the prefix. */
  void deletePrefix(String prefix);

  /** {@code videos/{jobId}/}: the folder of every output any attempt of the job uploaded. */
  static String jobPrefix(java.util.UUID jobId) {
    return "videos/" + jobId + "/";
  }

  /** {@code videos/{jobId}/{attempt}/{name}}, e.g. {@code video.mp4}, {@code thumbnail.jpg}. */
  static String outputKey(java.util.UUID jobId, int attempt, String name) {
    return jobPrefix(jobId) + attempt + "/" + name;
  }
}
