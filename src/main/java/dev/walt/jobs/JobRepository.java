package dev.walt.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import dev.walt.system.SqlArrays;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every statement on {@code video_jobs}: the table is both the user-visible resource and the queue.
 *
 * <p>Rules that every statement here keeps:
 *
 * <ul>
 *   <li>Time comes from the database ({@code now()}), never from the JVM: leases and backoffs must mean
 *       the same thing on every instance, whatever its clock says.
 *   <li>A worker's writes after the claim are guarded by {@code id AND attempt AND status =
 *       'in_progress'}. Once the rescuer re-queued a job (its lease expired), the old worker still holds
 *       the old attempt number and every one of its writes matches no row; so a stale worker can never
 *       overwrite the outcome of a newer attempt, nor resurrect a cancelled or deleted job.
 *   <li>API-side statements are scoped by tenant: a job of another tenant does not exist.
 * </ul>
 *
 * <p>Callers own the transactions ({@code JdbcClient} joins the current one).
 */
@Repository
class JobRepository {

  /** The NOTIFY channel that wakes idle workers and tells running ones about cancellations. */
  static final String CHANNEL = "walt_jobs";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** Reads a job's metadata; made once (a reader keeps its type and deserializer, readValue looks them up per call). */
  private static final ObjectReader METADATA = JSON.readerFor(new TypeReference<Map<String, String>>() {});

  /**
   * The key bound when no horizon is known: behind every job (the highest priority, the year 9999) and
   * the nil id, which no job has, so that the statement always counts. (A flag to skip the horizon would
   * be folded into custom plans and make them look cheaper than the generic one, which PostgreSQL then
   * never keeps: see LimitedStatement.)
   */
  static final QueueHorizon.Key NO_HORIZON =
      new QueueHorizon.Key(Short.MAX_VALUE, OffsetDateTime.parse("9999-12-31T00:00Z"), new UUID(0, 0));

  /*
   * The statements that report a queue position have the limit written into their text (see
   * LimitedStatement), and so does the insert its count limit: with a LIMIT bound as a parameter,
   * PostgreSQL's plan cache estimates the generic plan at several times a custom one and so plans the
   * statement again on every execution, which cost more than running it (0.2-0.5 ms of planning against
   * 0.03-0.2 ms of execution; found by the API benchmark, issue 10).
   */

  /**
   * The statement of {@link #insertIfFewerActive}: {@code {countLimit}} is how many of the key's active
   * jobs it counts at most (0 where the caller does not count; the key's limit, one of few values, where it
   * does), {@code {positionLimit}} the queue position's.
   */
  static final LimitedStatement INSERT_STATEMENT = new LimitedStatement("""
      WITH active AS (
          SELECT count(*) AS n FROM (
              SELECT 1 FROM video_jobs
              WHERE api_key_id = CAST(:key AS uuid) AND status IN ('queued', 'in_progress')
              LIMIT {countLimit}) AS counted),
      created AS (
          %s
          FROM active WHERE active.n < :activeBelow
          RETURNING *)
      SELECT active.n AS active_jobs,
             %s AS queue_position,
             created.*
      FROM active LEFT JOIN created ON true
      """.formatted(insertedRow(), positionOf("created")));

  /**
   * The statement of {@link #insertInOneSlot}: takes a creation slot ({@link CreationSlot#TAKE_ONE}),
   * and inserts only while the rows inserted since {@code :createdBefore} are at most {@code :room}.
   */
  static final LimitedStatement INSERT_IN_SLOT_STATEMENT = new LimitedStatement("""
      WITH slot AS (
          SELECT %s AS created_now),
      created AS (
          %s
          FROM slot WHERE slot.created_now - CAST(:createdBefore AS bigint) BETWEEN 0 AND CAST(:room AS bigint)
          RETURNING *)
      SELECT 0 AS active_jobs,
             %s AS queue_position,
             created.*
      FROM slot LEFT JOIN created ON true
      """.formatted(CreationSlot.TAKE_ONE, insertedRow(), positionOf("created")));

  /** The columns and values of an inserted job, without its FROM: the part both inserts share. */
  private static String insertedRow() {
    return """
        INSERT INTO video_jobs (id, tenant_id, api_key_id, prompt, negative_prompt, frames, width, height,
                                fps, seed, steps, guidance_scale, input_image_key, webhook_url, metadata,
                                max_attempts)
        SELECT CAST(:id AS uuid), CAST(:tenant AS uuid), CAST(:key AS uuid), CAST(:prompt AS text),
               CAST(:negative AS text), CAST(:frames AS integer), CAST(:width AS integer),
               CAST(:height AS integer), CAST(:fps AS integer), CAST(:seed AS bigint),
               CAST(:steps AS integer), CAST(:guidance AS real), CAST(:image AS text),
               CAST(:webhook AS text), CAST(:metadata AS jsonb), CAST(:maxAttempts AS integer)""";
  }

  static final LimitedStatement FIND_WITH_POSITION_STATEMENT = new LimitedStatement("""
      SELECT v.*, %s AS queue_position
      FROM video_jobs v
      WHERE v.id = :id AND v.tenant_id = :tenant
      """.formatted(positionOf("v")));

  static final LimitedStatement POSITION_OF_ID_STATEMENT = new LimitedStatement(
      "SELECT %s AS queue_position FROM video_jobs v WHERE v.id = :id".formatted(positionOf("v")));

  /**
   * A statement whose text holds its limits as literals ({@code {positionLimit}} and {@code {countLimit}}
   * in its template): one text per pair of limits, built once. The position limit is a setting and the
   * count limit 0 or an API key's active-job limit, so there are few; past {@link #CACHED} texts they are
   * built for each call instead of kept (and pgjdbc prepares only the most used 256 per connection).
   */
  static final class LimitedStatement {

    private static final int CACHED = 256;

    private final String template;
    private final Map<Long, String> texts = new java.util.concurrent.ConcurrentHashMap<>();

    LimitedStatement(String template) {
      this.template = template;
    }

    String sql(int positionLimit) {
      return sql(positionLimit, 0);
    }

    String sql(int positionLimit, int countLimit) {
      long key = ((long) countLimit << 32) | (positionLimit & 0xffffffffL);
      String text = texts.get(key);
      if (text == null) {
        text = template.replace("{positionLimit}", Integer.toString(positionLimit))
            .replace("{countLimit}", Integer.toString(countLimit));
        if (texts.size() < CACHED) {
          texts.putIfAbsent(key, text);
        }
      }
      return text;
    }
  }

  private final JdbcClient jdbc;
  private final QueueHorizon horizon;
  private final QueuedSignal queued;

  JobRepository(JdbcClient jdbc, JobsSettings settings, QueuedSignal queued) {
    this.jdbc = jdbc;
    this.queued = queued;
    this.horizon = new QueueHorizon(settings.queuePositionHorizonTtl(), System::nanoTime);
  }

  /**
   * The {@code queue_position} of the row aliased {@code row} (null when there is none): -1 when it is not
   * queued, the limit when it lies at or beyond the {@link QueueHorizon} bound by {@link #positioned} and
   * the horizon's own job is still queued (one primary-key lookup: a horizon whose job was claimed,
   * cancelled or deleted elsewhere is not trusted), else the queued jobs ahead of it counted up to the
   * limit (see {@link #queuePosition}).
   */
  private static String positionOf(String row) {
    return """
        CASE WHEN %1$s.status IS DISTINCT FROM 'queued' THEN -1
             WHEN (%1$s.priority, %1$s.created_at, %1$s.id) >= (:hPriority, :hCreatedAt, CAST(:hId AS uuid))
                  AND EXISTS (SELECT 1 FROM video_jobs h WHERE h.id = CAST(:hId AS uuid) AND h.status = 'queued')
                  THEN {positionLimit}
             ELSE (SELECT count(*) FROM (
                       SELECT 1 FROM video_jobs q
                       WHERE q.status = 'queued'
                         AND (q.priority, q.created_at, q.id) < (%1$s.priority, %1$s.created_at, %1$s.id)
                       ORDER BY q.priority DESC, q.created_at DESC, q.id DESC
                       LIMIT {positionLimit}) AS ahead) END""".formatted(row);
  }

  /**
   * The statement with the limit written in, and the parameters of {@link #positionOf} bound: the horizon
   * for that limit, if one is known.
   */
  private JdbcClient.StatementSpec positioned(LimitedStatement statement, int limit) {
    return positioned(statement, limit, 0);
  }

  private JdbcClient.StatementSpec positioned(LimitedStatement statement, int limit, int countLimit) {
    int positionLimit = Math.max(0, limit);
    // without a horizon the statement binds one that no job reaches and whose job does not exist
    QueueHorizon.Key key = horizon.current(positionLimit, this::readHorizon).orElse(NO_HORIZON);
    return jdbc.sql(statement.sql(positionLimit, Math.max(0, countLimit)))
        .param("hPriority", key.priority())
        .param("hCreatedAt", key.createdAt())
        .param("hId", key.id());
  }

  /** The claim-order key of the queued job with exactly {@code limit} queued jobs ahead, if there is one. */
  private Optional<QueueHorizon.Key> readHorizon(int limit) {
    return jdbc.sql(
            """
            SELECT priority, created_at, id FROM video_jobs
            WHERE status = 'queued'
            ORDER BY priority, created_at, id
            OFFSET :limit LIMIT 1
            """)
        .param("limit", limit)
        .query((rs, n) -> new QueueHorizon.Key(
            rs.getInt("priority"), rs.getObject("created_at", OffsetDateTime.class), rs.getObject("id", UUID.class)))
        .optional();
  }

  /**
   * A queued job leaves the queue in this statement: the horizon kept may be too early now, and again until
   * the caller's transaction ends (a horizon read meanwhile still sees the job queued).
   */
  private void departing() {
    horizon.invalidate();
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCompletion(int status) {
          horizon.invalidate();
        }
      });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the API side

  /**
   * Inserts a queued job in one statement, and wakes idle workers once the transaction commits (through
   * {@link QueuedSignal}, not a NOTIFY of this transaction), but only while the job's API key has fewer
   * than {@code activeBelow} queued or running jobs. The count is part of the statement, so it is taken after whatever lock the caller
   * acquired in an earlier statement of the transaction (see {@code dev.walt.api.CreationLocks}); it
   * stops at {@code countUpTo}, so that it costs at most that many index entries. The new job's queue
   * position (the queued jobs ahead of it, up to {@code positionLimit}) is counted by the same statement.
   */
  VideoJobs.Admission insertIfFewerActive(
      UUID id, NewJob job, int maxAttempts, int activeBelow, int countUpTo, int positionLimit) {
    return inserted(withJob(positioned(INSERT_STATEMENT, positionLimit, countUpTo), id, job, maxAttempts)
        .param("activeBelow", activeBelow));
  }

  /**
   * Inserts a queued job in one statement that first takes a creation slot of its API key ({@code slot}),
   * then reads {@code video_jobs_created_seq}, and inserts only while the rows inserted since
   * {@code createdBefore} are at most {@code room}; no count of the key's jobs. Outside a transaction the
   * statement is its own, so lock, insert and commit are one round trip. The slot's lock is granted before
   * the sequence is read, whatever the statement's snapshot: the bound it checks does not rest on what
   * the snapshot sees ({@code dev.walt.api.ActiveJobBound}). Idle workers are woken after the commit.
   */
  VideoJobs.Admission insertInOneSlot(UUID id, NewJob job, int maxAttempts, CreationSlot slot, long createdBefore,
      long room, int positionLimit) {
    return inserted(slot.bind(withJob(positioned(INSERT_IN_SLOT_STATEMENT, positionLimit), id, job, maxAttempts))
        .param("createdBefore", createdBefore)
        .param("room", room));
  }

  private static JdbcClient.StatementSpec withJob(JdbcClient.StatementSpec spec, UUID id, NewJob job, int maxAttempts) {
    return spec
        .param("id", id)
        .param("tenant", job.tenantId())
        .param("key", job.apiKeyId())
        .param("prompt", job.prompt())
        .param("negative", job.negativePrompt())
        .param("frames", job.frames())
        .param("width", job.width())
        .param("height", job.height())
        .param("fps", job.fps())
        .param("seed", job.seed())
        .param("steps", job.steps())
        .param("guidance", job.guidanceScale())
        .param("image", job.inputImageKey())
        .param("webhook", job.webhookUrl())
        .param("metadata", JSON.writeValueAsString(job.metadata()))
        .param("maxAttempts", maxAttempts);
  }

  /** Runs an insert statement; wakes idle workers (after the commit) when it inserted. */
  private VideoJobs.Admission inserted(JdbcClient.StatementSpec insert) {
    VideoJobs.Admission admission = insert
        .query((rs, n) -> new VideoJobs.Admission(
            rs.getObject("id") == null ? Optional.empty() : Optional.of(job(rs, n)), rs.getInt("active_jobs"),
            rs.getLong("queue_position")))
        .single();
    if (admission.job().isPresent()) {
      queued.afterCommit();
    }
    return admission;
  }

  /** Inserts a queued job, whatever its key's active jobs, and wakes idle workers after the commit. */
  Job insert(UUID id, NewJob job, int maxAttempts) {
    return insertIfFewerActive(id, job, maxAttempts, Integer.MAX_VALUE, 0, 0).job().orElseThrow();
  }

  Optional<Job> find(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM video_jobs WHERE id = :id AND tenant_id = :tenant")
        .param("id", id)
        .param("tenant", tenantId)
        .query(JobRepository::job)
        .optional();
  }

  /**
   * The job and, when it is queued, its queue position as {@link #queuePosition} counts it (else -1),
   * in one statement: the count runs only for a queued job.
   */
  Optional<VideoJobs.Positioned> findWithQueuePosition(UUID tenantId, UUID id, int limit) {
    return positioned(FIND_WITH_POSITION_STATEMENT, limit)
        .param("id", id)
        .param("tenant", tenantId)
        .query((rs, n) -> new VideoJobs.Positioned(job(rs, n), rs.getLong("queue_position")))
        .optional();
  }

  /** For the workers, the rescuer and tests: a job by id, whatever its tenant. */
  Optional<Job> findAnyTenant(UUID id) {
    return jdbc.sql("SELECT * FROM video_jobs WHERE id = :id")
        .param("id", id)
        .query(JobRepository::job)
        .optional();
  }

  /**
   * Newest first with a keyset cursor: the page starts after the (created_at, id) of the cursor job.
   * The row comparison walks {@code video_jobs_tenant_created_idx}; several jobs created in one
   * transaction share created_at, so the id breaks ties and no job is skipped or repeated.
   */
  List<Job> list(UUID tenantId, @Nullable JobStatus status, @Nullable UUID after, int limit) {
    return jdbc.sql(
            """
            SELECT * FROM video_jobs
            WHERE tenant_id = :tenant
              AND (CAST(:status AS text) IS NULL OR status = :status)
              AND (CAST(:after AS uuid) IS NULL
                   OR (created_at, id) < (SELECT c.created_at, c.id FROM video_jobs c
                                           WHERE c.id = :after AND c.tenant_id = :tenant))
            ORDER BY created_at DESC, id DESC
            LIMIT :limit
            """)
        .param("tenant", tenantId)
        .param("status", status == null ? null : status.wire())
        .param("after", after)
        .param("limit", limit)
        .query(JobRepository::job)
        .list();
  }

  /** Cancels a queued job at once. Guarded by status: a job claimed a moment ago is not touched. */
  Optional<Job> cancelQueued(UUID tenantId, UUID id, Duration retention) {
    departing();
    return jdbc.sql(
            """
            UPDATE video_jobs
            SET status = 'cancelled', finished_at = now(), updated_at = now(),
                expires_at = now() + :retentionMs * interval '1 millisecond'
            WHERE id = :id AND tenant_id = :tenant AND status = 'queued'
            RETURNING *
            """)
        .param("id", id)
        .param("tenant", tenantId)
        .param("retentionMs", retention.toMillis())
        .query(JobRepository::job)
        .optional();
  }

  /**
   * Asks the worker of a running job to stop; it sees the flag at its next heartbeat or progress write,
   * or at once through the NOTIFY that the caller sends.
   */
  Optional<Job> requestCancel(UUID tenantId, UUID id) {
    return jdbc.sql(
            """
            UPDATE video_jobs SET cancel_requested = true, updated_at = now()
            WHERE id = :id AND tenant_id = :tenant AND status = 'in_progress'
            RETURNING *
            """)
        .param("id", id)
        .param("tenant", tenantId)
        .query(JobRepository::job)
        .optional();
  }

  /** Deletes the row and returns it as it was (a running job's worker then fails every guarded write). */
  Optional<Job> delete(UUID tenantId, UUID id) {
    departing();
    return jdbc.sql("DELETE FROM video_jobs WHERE id = :id AND tenant_id = :tenant RETURNING *")
        .param("id", id)
        .param("tenant", tenantId)
        .query(JobRepository::job)
        .optional();
  }

  /**
   * Queued jobs that the claim takes before this one: the same order as the claim
   * (priority, created_at, id), counted on the partial index of queued rows, but only up to
   * {@code limit} of them: a read costs at most that many index entries, however deep the queue. The
   * count walks the index backwards from the job itself (ORDER BY the index's order, descending): the row
   * comparison places the scan's start, and the scan ends at the limit or at the head. Walked forwards
   * from the head it would have to end at the row comparison instead, and PostgreSQL (15 here) does not
   * end a scan there when the leading columns are equal (every job of one priority): a job near the head
   * of a deep queue read every entry behind it too (4 ms and 430 index pages per read with 70,000 jobs
   * queued; found by the API benchmark's reads, issue 10). The ORDER BY also keeps the planner on that
   * index when nearly every row is queued and a plain scan looks as cheap. A job at or beyond the
   * {@link QueueHorizon} is not counted: it has the limit ahead. -1 when the job is not queued (or gone).
   */
  long queuePosition(UUID id, int limit) {
    return positioned(POSITION_OF_ID_STATEMENT, limit)
        .param("id", id)
        .query(Long.class)
        .optional()
        .orElse(-1L);
  }

  int activeJobs(UUID apiKeyId) {
    return jdbc.sql(
            """
            SELECT count(*) FROM video_jobs
            WHERE api_key_id = :key AND status IN ('queued', 'in_progress')
            """)
        .param("key", apiKeyId)
        .query(Integer.class)
        .single();
  }

  /** Sends a notification; delivered when the current transaction commits (never if it rolls back). */
  void notify(String payload) {
    jdbc.sql("SELECT pg_notify(:channel, :payload)")
        .param("channel", CHANNEL)
        .param("payload", payload)
        .query((rs, n) -> 0)
        .list();
  }

  // ---------------------------------------------------------------------------------------------
  // the queue

  /**
   * Takes the next queued job that is due: by priority, then age. {@code SKIP LOCKED} lets many workers
   * claim at once without waiting on each other or taking the same row; the UPDATE re-checks nothing
   * else because the row lock is held from the sub-select on. The attempt number grows with every claim
   * and becomes the guard of all later writes of this worker.
   */
  Optional<Job> claim(String workerId, Duration lease) {
    departing();
    return jdbc.sql(
            """
            UPDATE video_jobs
            SET status = 'in_progress', attempt = attempt + 1, worker_id = :worker,
                lease_expires_at = now() + :leaseMs * interval '1 millisecond',
                started_at = now(), updated_at = now(), progress = 0, stage = NULL
            WHERE id = (SELECT id FROM video_jobs
                        WHERE status = 'queued' AND run_after <= now()
                        ORDER BY priority, created_at, id
                        LIMIT 1
                        FOR UPDATE SKIP LOCKED)
            RETURNING *
            """)
        .param("worker", workerId)
        .param("leaseMs", lease.toMillis())
        .query(JobRepository::job)
        .optional();
  }

  /**
   * Claims up to {@code max} due jobs in one statement, in queue order (the order of {@link #claim}),
   * each as {@link #claim} would: its own attempt number, this worker, the lease. For workers that run
   * many short jobs; {@code SKIP LOCKED} keeps concurrent claimers on different rows.
   */
  List<Job> claimBatch(String workerId, Duration lease, int max) {
    departing();
    List<Job> claimed = new java.util.ArrayList<>(jdbc.sql(
            """
            WITH picked AS (
                SELECT id FROM video_jobs
                WHERE status = 'queued' AND run_after <= now()
                ORDER BY priority, created_at, id
                LIMIT :max
                FOR UPDATE SKIP LOCKED)
            UPDATE video_jobs v
            SET status = 'in_progress', attempt = v.attempt + 1, worker_id = :worker,
                lease_expires_at = now() + :leaseMs * interval '1 millisecond',
                started_at = now(), updated_at = now(), progress = 0, stage = NULL
            FROM picked
            WHERE v.id = picked.id
            RETURNING v.*
            """)
        .param("worker", workerId)
        .param("leaseMs", lease.toMillis())
        .param("max", max)
        .query(JobRepository::job)
        .list());
    claimed.sort(java.util.Comparator.comparingInt(Job::priority).thenComparing(Job::createdAt).thenComparing(Job::id));
    return claimed;
  }

  /**
   * How long until the earliest queued job becomes due (retries wait out their backoff), or empty when
   * nothing is queued. Lets an idle worker sleep exactly until then instead of a whole poll interval.
   */
  Optional<Duration> untilNextDue() {
    return jdbc.sql(
            """
            SELECT CAST(greatest(extract(epoch FROM min(run_after) - now()) * 1000, 0) AS bigint)
            FROM video_jobs WHERE status = 'queued'
            """)
        .query((rs, n) -> {
          long millis = rs.getLong(1);
          return rs.wasNull() ? null : Duration.ofMillis(millis);
        })
        .optional();
  }

  /**
   * Extends the lease from the database's now. Guarded: a worker whose job was rescued, cancelled or
   * deleted gets nothing back and knows it lost the job.
   *
   * @return the job's cancel flag, or empty when this attempt no longer owns the job
   */
  Optional<Boolean> heartbeat(UUID id, int attempt, Duration lease) {
    return jdbc.sql(
            """
            UPDATE video_jobs
            SET lease_expires_at = now() + :leaseMs * interval '1 millisecond', updated_at = now()
            WHERE id = :id AND attempt = :attempt AND status = 'in_progress'
            RETURNING cancel_requested
            """)
        .param("id", id)
        .param("attempt", attempt)
        .param("leaseMs", lease.toMillis())
        .query(Boolean.class)
        .optional();
  }

  /**
   * Records progress. Guarded so that a stale worker cannot move the progress bar of a newer attempt.
   *
   * @return the job's cancel flag (a free refresh), or empty when this attempt no longer owns the job
   */
  Optional<Boolean> progress(UUID id, int attempt, int percent, String stage) {
    return jdbc.sql(
            """
            UPDATE video_jobs SET progress = :progress, stage = :stage, updated_at = now()
            WHERE id = :id AND attempt = :attempt AND status = 'in_progress'
            RETURNING cancel_requested
            """)
        .param("id", id)
        .param("attempt", attempt)
        .param("progress", Math.max(0, Math.min(100, percent)))
        .param("stage", stage)
        .query(Boolean.class)
        .optional();
  }

  /**
   * Points the job at an in-progress preview (guarded like progress); empty when this attempt no longer
   * owns the job.
   */
  Optional<Boolean> preview(UUID id, int attempt, String previewKey) {
    return jdbc.sql(
            """
            UPDATE video_jobs SET preview_key = :key, preview_updated_at = now(), updated_at = now()
            WHERE id = :id AND attempt = :attempt AND status = 'in_progress'
            RETURNING cancel_requested
            """)
        .param("id", id)
        .param("attempt", attempt)
        .param("key", previewKey)
        .query(Boolean.class)
        .optional();
  }

  /**
   * Makes the result visible. This is the only statement that sets result keys, and it is guarded: if
   * the job was rescued (a newer attempt runs or ran), cancelled, deleted or released meanwhile, it
   * matches nothing and the caller removes the objects it uploaded.
   */
  Optional<Job> complete(
      UUID id, int attempt, String videoKey, String thumbnailKey, @Nullable String previewKey, Duration retention) {
    return jdbc.sql(
            """
            UPDATE video_jobs
            SET status = 'completed', progress = 100, stage = NULL,
                video_key = :video, thumbnail_key = :thumbnail, preview_key = :preview,
                error_code = NULL, error_message = NULL, lease_expires_at = NULL,
                finished_at = now(), updated_at = now(),
                expires_at = now() + :retentionMs * interval '1 millisecond'
            WHERE id = :id AND attempt = :attempt AND status = 'in_progress'
            RETURNING *
            """)
        .param("id", id)
        .param("attempt", attempt)
        .param("video", videoKey)
        .param("thumbnail", thumbnailKey)
        .param("preview", previewKey)
        .param("retentionMs", retention.toMillis())
        .query(JobRepository::job)
        .optional();
  }

  /**
   * {@link #complete} for many jobs in one statement, each guarded by its own id, attempt and status:
   * returns the jobs it completed; a completion whose attempt lost its job matches nothing. The rows
   * are taken in the order given (sorted by id by the caller, so that two batches never wait for each
   * other in opposite orders).
   */
  List<Job> completeAll(List<JobQueue.Completion> completions, Duration retention) {
    int n = completions.size();
    Object[] ids = new Object[n];
    Object[] attempts = new Object[n];
    Object[] videos = new Object[n];
    Object[] thumbnails = new Object[n];
    Object[] previews = new Object[n];
    for (int i = 0; i < n; i++) {
      JobQueue.Completion c = completions.get(i);
      ids[i] = c.jobId();
      attempts[i] = c.attempt();
      videos[i] = c.videoKey();
      thumbnails[i] = c.thumbnailKey();
      previews[i] = c.previewKey();
    }
    return jdbc.sql(
            """
            UPDATE video_jobs v
            SET status = 'completed', progress = 100, stage = NULL,
                video_key = d.video, thumbnail_key = d.thumbnail, preview_key = d.preview,
                error_code = NULL, error_message = NULL, lease_expires_at = NULL,
                finished_at = now(), updated_at = now(),
                expires_at = now() + :retentionMs * interval '1 millisecond'
            FROM unnest(CAST(:ids AS uuid[]), CAST(:attempts AS integer[]), CAST(:videos AS text[]),
                        CAST(:thumbnails AS text[]), CAST(:previews AS text[]))
                     AS d(id, attempt, video, thumbnail, preview)
            WHERE v.id = d.id AND v.attempt = d.attempt AND v.status = 'in_progress'
            RETURNING v.*
            """)
        .param("ids", SqlArrays.of("uuid", ids))
        .param("attempts", SqlArrays.of("int4", attempts))
        .param("videos", SqlArrays.of("text", videos))
        .param("thumbnails", SqlArrays.of("text", thumbnails))
        .param("previews", SqlArrays.of("text", previews))
        .param("retentionMs", retention.toMillis())
        .query(JobRepository::job)
        .list();
  }

  /** Fails the job for good (guarded like every worker write). */
  Optional<Job> fail(UUID id, int attempt, String code, String message, Duration retention) {
    return jdbc.sql(
            """
            UPDATE video_jobs
            SET status = 'failed', error_code = :code, error_message = :message, stage = NULL,
                lease_expires_at = NULL, finished_at = now(), updated_at = now(),
                expires_at = now() + :retentionMs * interval '1 millisecond'
            WHERE id = :id AND attempt = :attempt AND status = 'in_progress'
            RETURNING *
            """)
        .param("id", id)
        .param("attempt", attempt)
        .param("code", code)
        .param("message", message)
        .param("retentionMs", retention.toMillis())
        .query(JobRepository::job)
        .optional();
  }

  /**
   * Puts a failed attempt back in the queue, due after the backoff; the error stays recorded so that
   * the job shows why it is being retried. Guarded like every worker write.
   */
  Optional<Job> retryLater(UUID id, int attempt, String code, String message, Duration backoff) {
    return jdbc.sql(
            """
            UPDATE video_jobs
            SET status = 'queued', run_after = now() + :backoffMs * interval '1 millisecond',
                error_code = :code, error_message = :message, progress = 0, stage = NULL,
                lease_expires_at = NULL, worker_id = NULL, updated_at = now()
            WHERE id = :id AND attempt = :attempt AND status = 'in_progress'
            RETURNING *
            """)
        .param("id", id)
        .param("attempt", attempt)
        .param("code", code)
        .param("message", message)
        .param("backoffMs", backoff.toMillis())
        .query(JobRepository::job)
        .optional();
  }

  /** Records that the worker stopped the job on request (guarded like every worker write). */
  Optional<Job> cancelRunning(UUID id, int attempt, Duration retention) {
    return jdbc.sql(
            """
            UPDATE video_jobs
            SET status = 'cancelled', stage = NULL, lease_expires_at = NULL,
                finished_at = now(), updated_at = now(),
                expires_at = now() + :retentionMs * interval '1 millisecond'
            WHERE id = :id AND attempt = :attempt AND status = 'in_progress'
            RETURNING *
            """)
        .param("id", id)
        .param("attempt", attempt)
        .param("retentionMs", retention.toMillis())
        .query(JobRepository::job)
        .optional();
  }

  /**
   * Hands a job back on shutdown, due at once. The attempt number is kept (it must only ever grow: it
   * is the guard of the writes of whoever held it), and {@code max_attempts} grows by one instead, so
   * that a release does not use up one of the job's attempts.
   */
  boolean release(UUID id, int attempt) {
    return jdbc.sql(
            """
            UPDATE video_jobs
            SET status = 'queued', run_after = now(), max_attempts = max_attempts + 1,
                progress = 0, stage = NULL, lease_expires_at = NULL, worker_id = NULL, updated_at = now()
            WHERE id = :id AND attempt = :attempt AND status = 'in_progress'
            """)
        .param("id", id)
        .param("attempt", attempt)
        .update()
        == 1;
  }

  /**
   * Takes running jobs whose lease ran out (their worker died or hangs) and decides their fate in one
   * statement: a job whose cancel was requested is cancelled, one that used all its attempts fails, any
   * other goes back to the queue after the backoff of its attempt. {@code SKIP LOCKED} lets every
   * instance run the rescuer at the same time; a row is rescued once because the outer UPDATE runs
   * under the row lock and the status changes. The stale worker's attempt number no longer matches
   * anything it could write later.
   */
  List<Job> rescueExpired(int batch, Duration backoffBase, Duration backoffMax, Duration retention) {
    return jdbc.sql(
            """
            UPDATE video_jobs j
            SET status = CASE WHEN j.cancel_requested THEN 'cancelled'
                              WHEN j.attempt >= j.max_attempts THEN 'failed'
                              ELSE 'queued' END,
                error_code = CASE WHEN j.cancel_requested THEN j.error_code ELSE 'lease_expired' END,
                error_message = CASE WHEN j.cancel_requested THEN j.error_message
                                     ELSE 'the worker stopped reporting (attempt ' || j.attempt || ' of '
                                          || j.max_attempts || ')' END,
                run_after = now() + least(:baseMs * power(2, greatest(j.attempt - 1, 0)), :maxMs)
                                    * interval '1 millisecond',
                finished_at = CASE WHEN j.cancel_requested OR j.attempt >= j.max_attempts
                                   THEN now() END,
                expires_at = CASE WHEN j.cancel_requested OR j.attempt >= j.max_attempts
                                  THEN now() + :retentionMs * interval '1 millisecond' END,
                progress = CASE WHEN j.cancel_requested OR j.attempt >= j.max_attempts
                                THEN j.progress ELSE 0 END,
                stage = NULL, lease_expires_at = NULL, worker_id = NULL, updated_at = now()
            WHERE j.id IN (SELECT id FROM video_jobs
                           WHERE status = 'in_progress' AND lease_expires_at < now()
                           ORDER BY lease_expires_at
                           LIMIT :batch
                           FOR UPDATE SKIP LOCKED)
            RETURNING *
            """)
        .param("batch", batch)
        .param("baseMs", backoffBase.toMillis())
        .param("maxMs", backoffMax.toMillis())
        .param("retentionMs", retention.toMillis())
        .query(JobRepository::job)
        .list();
  }

  // ---------------------------------------------------------------------------------------------
  // retention

  /**
   * Locks a batch of finished jobs past their expiry. {@code SKIP LOCKED}: instances running the
   * cleanup at once take different rows; the locks are held while the caller deletes the objects.
   */
  List<Job> lockExpired(int batch) {
    return jdbc.sql(
            """
            SELECT * FROM video_jobs
            WHERE status IN ('completed', 'failed', 'cancelled') AND expires_at <= now()
            ORDER BY expires_at
            LIMIT :batch
            FOR UPDATE SKIP LOCKED
            """)
        .param("batch", batch)
        .query(JobRepository::job)
        .list();
  }

  /**
   * Marks a job expired once its objects are gone; the keys are cleared since they point at nothing.
   * Guarded by status: only a finished job expires.
   */
  boolean markExpired(UUID id) {
    return jdbc.sql(
            """
            UPDATE video_jobs
            SET status = 'expired', video_key = NULL, thumbnail_key = NULL, preview_key = NULL,
                input_image_key = NULL, updated_at = now()
            WHERE id = :id AND status IN ('completed', 'failed', 'cancelled')
            """)
        .param("id", id)
        .update()
        == 1;
  }

  // ---------------------------------------------------------------------------------------------

  static Job job(ResultSet rs, int row) throws SQLException {
    return new Job(
        rs.getObject("id", UUID.class),
        rs.getObject("tenant_id", UUID.class),
        rs.getObject("api_key_id", UUID.class),
        JobStatus.fromWire(rs.getString("status")),
        rs.getInt("priority"),
        rs.getString("prompt"),
        rs.getString("negative_prompt"),
        rs.getInt("frames"),
        rs.getInt("width"),
        rs.getInt("height"),
        rs.getInt("fps"),
        rs.getLong("seed"),
        rs.getInt("steps"),
        rs.getFloat("guidance_scale"),
        rs.getString("input_image_key"),
        rs.getString("webhook_url"),
        METADATA.readValue(rs.getString("metadata")),
        rs.getInt("attempt"),
        rs.getInt("max_attempts"),
        rs.getBoolean("cancel_requested"),
        rs.getInt("progress"),
        rs.getString("stage"),
        rs.getString("error_code"),
        rs.getString("error_message"),
        rs.getString("video_key"),
        rs.getString("thumbnail_key"),
        rs.getString("preview_key"),
        instant(rs, "preview_updated_at"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        instant(rs, "expires_at"));
  }

  private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
