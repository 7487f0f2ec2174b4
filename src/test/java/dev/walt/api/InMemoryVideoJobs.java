package dev.walt.api;

import dev.walt.jobs.CreationSlot;
import dev.walt.jobs.Job;
import dev.walt.jobs.JobStatus;
import dev.walt.jobs.NewJob;
import dev.walt.jobs.VideoJobs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/** A {@link VideoJobs} in memory, for web slice tests only (the real one is JDBC). */
class InMemoryVideoJobs implements VideoJobs {

  private final Map<UUID, Job> jobs = new ConcurrentHashMap<>();
  /** Per API key, the creates that counted its active jobs (a countUpTo above 0). */
  private final Map<UUID, Integer> counts = new ConcurrentHashMap<>();
  /** Per creation-slot base, the creates through {@link #createInOneSlot}. */
  private final Map<String, Integer> oneSlotCreates = new ConcurrentHashMap<>();
  private volatile LongSupplier createdSequence = () -> jobs.size();
  private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);

  @Override
  public Job create(UUID jobId, NewJob r) {
    Job job = new Job(jobId, r.tenantId(), r.apiKeyId(), JobStatus.QUEUED, 0, r.prompt(), r.negativePrompt(), r.frames(),
        r.width(), r.height(), r.fps(), r.seed(), r.steps(), r.guidanceScale(), r.inputImageKey(), r.webhookUrl(),
        Map.copyOf(r.metadata()), 0, 3, false, 0, null, null, null, null, null, null, null,
        Instant.ofEpochMilli(clock.addAndGet(1000)), null, null, null);
    jobs.put(jobId, job);
    return job;
  }

  @Override
  public synchronized Admission createIfFewerActive(UUID jobId, NewJob request, int activeBelow, int countUpTo) {
    if (countUpTo > 0 && request.apiKeyId() != null) {
      counts.merge(request.apiKeyId(), 1, Integer::sum);
    }
    int active = request.apiKeyId() == null ? 0 : Math.min(countUpTo, activeJobs(request.apiKeyId()));
    if (active >= activeBelow) {
      return new Admission(Optional.empty(), active, -1);
    }
    Job job = create(jobId, request);
    return new Admission(Optional.of(job), active, queuePosition(job));
  }

  /**
   * Like the real one: inserts while the "sequence" ({@link #createdSequence}) stands at most {@code room}
   * above {@code createdBefore}; no count.
   */
  @Override
  public synchronized Admission createInOneSlot(UUID jobId, NewJob request, CreationSlot slot, long createdBefore,
      long room) {
    oneSlotCreates.merge(slot.base(), 1, Integer::sum);
    long since = createdSequence.getAsLong() - createdBefore;
    if (since < 0 || since > room) {
      return new Admission(Optional.empty(), 0, -1);
    }
    Job job = create(jobId, request);
    return new Admission(Optional.of(job), 0, queuePosition(job));
  }

  @Override
  public Optional<Job> find(UUID tenantId, UUID jobId) {
    return Optional.ofNullable(jobs.get(jobId)).filter(j -> j.tenantId().equals(tenantId));
  }

  @Override
  public Optional<Positioned> findWithQueuePosition(UUID tenantId, UUID jobId) {
    return find(tenantId, jobId).map(j -> new Positioned(j, queuePosition(j)));
  }

  @Override
  public List<Job> list(UUID tenantId, @Nullable JobStatus status, @Nullable UUID after, int limit) {
    Comparator<Job> newestFirst = Comparator.comparing(Job::createdAt).thenComparing(Job::id).reversed();
    List<Job> all = new ArrayList<>(jobs.values().stream()
        .filter(j -> j.tenantId().equals(tenantId) && (status == null || j.status() == status))
        .sorted(newestFirst).toList());
    if (after != null) {
      Job cursor = jobs.get(after);
      if (cursor == null || !cursor.tenantId().equals(tenantId)) {
        return List.of();
      }
      all.removeIf(j -> newestFirst.compare(j, cursor) <= 0);
    }
    return all.subList(0, Math.min(limit, all.size()));
  }

  @Override
  public Optional<Job> cancel(UUID tenantId, UUID jobId) {
    return find(tenantId, jobId).map(j -> j.status() == JobStatus.QUEUED ? update(jobId, x -> with(x, JobStatus.CANCELLED)) : j);
  }

  @Override
  public boolean delete(UUID tenantId, UUID jobId) {
    return find(tenantId, jobId).map(j -> jobs.remove(jobId) != null).orElse(false);
  }

  @Override
  public long queuePosition(Job job) {
    if (job.status() != JobStatus.QUEUED) {
      return -1;
    }
    return jobs.values().stream().filter(j -> j.status() == JobStatus.QUEUED && j.createdAt().isBefore(job.createdAt())).count();
  }

  @Override
  public int activeJobs(UUID apiKeyId) {
    return (int) jobs.values().stream()
        .filter(j -> apiKeyId.equals(j.apiKeyId()) && !j.status().terminal()).count();
  }

  Job update(UUID jobId, UnaryOperator<Job> change) {
    return jobs.compute(jobId, (id, j) -> change.apply(j));
  }

  int size() {
    return jobs.size();
  }

  void clear() {
    jobs.clear();
    counts.clear();
    oneSlotCreates.clear();
    createdSequence = () -> jobs.size();
  }

  /** What {@link #createInOneSlot} reads as the jobs inserted so far, from now on (default: this store's size). */
  void createdSequence(LongSupplier sequence) {
    createdSequence = sequence;
  }

  /** The creates of a key that took the one-statement path. */
  int oneSlotCreates(UUID apiKeyId) {
    return oneSlotCreates.getOrDefault("creates:" + apiKeyId, 0);
  }

  int countedCreates(UUID apiKeyId) {
    return counts.getOrDefault(apiKeyId, 0);
  }

  static Job with(Job j, JobStatus status) {
    return new Job(j.id(), j.tenantId(), j.apiKeyId(), status, j.priority(), j.prompt(), j.negativePrompt(), j.frames(),
        j.width(), j.height(), j.fps(), j.seed(), j.steps(), j.guidanceScale(), j.inputImageKey(), j.webhookUrl(),
        j.metadata(), j.attempt(), j.maxAttempts(), j.cancelRequested(), j.progress(), j.stage(), j.errorCode(),
        j.errorMessage(), j.videoKey(), j.thumbnailKey(), j.previewKey(), j.previewUpdatedAt(), j.createdAt(), j.startedAt(),
        status.terminal() ? Instant.now() : j.finishedAt(), j.expiresAt());
  }

  /** Running as {@code attempt} at {@code progress}, pointing at a preview published at {@code previewAt} (or none). */
  static Job running(Job j, int attempt, int progress, @Nullable String previewKey, @Nullable Instant previewAt) {
    return new Job(j.id(), j.tenantId(), j.apiKeyId(), JobStatus.IN_PROGRESS, j.priority(), j.prompt(), j.negativePrompt(),
        j.frames(), j.width(), j.height(), j.fps(), j.seed(), j.steps(), j.guidanceScale(), j.inputImageKey(),
        j.webhookUrl(), j.metadata(), attempt, j.maxAttempts(), false, progress, "base", null, null, null, null,
        previewKey, previewAt, j.createdAt(), j.createdAt(), null, null);
  }

  static Job completed(Job j, String videoKey, String thumbnailKey) {
    return new Job(j.id(), j.tenantId(), j.apiKeyId(), JobStatus.COMPLETED, j.priority(), j.prompt(), j.negativePrompt(),
        j.frames(), j.width(), j.height(), j.fps(), j.seed(), j.steps(), j.guidanceScale(), j.inputImageKey(),
        j.webhookUrl(), j.metadata(), 1, j.maxAttempts(), false, 100, null, null, null, videoKey, thumbnailKey, null, null,
        j.createdAt(), j.createdAt(), Instant.now(), Instant.now().plusSeconds(86400));
  }
}
