package dev.walt.api;

import dev.walt.auth.Caller;
import dev.walt.jobs.CreationSlot;
import dev.walt.jobs.Job;
import dev.walt.jobs.NewJob;
import dev.walt.jobs.VideoJobs;
import dev.walt.storage.ObjectStorage;
import dev.walt.system.RandomIds;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponseException;

/**
 * Creates a video job from a read request: idempotency (IETF draft), validation, the active-job
 * limit, the input image (fetched, checked, stored under {@code inputs/{jobId}/image} before the row
 * exists and deleted again when the row is not written), and the insert of job and idempotency record
 * in one transaction. The active-job limit is checked by the insert itself, under the key's creation
 * slots ({@link CreationLocks}), so parallel creates cannot overshoot it: a key far from its limit
 * holds one slot (up to {@code walt.api.create-slots} of its creates run at once), a key close to it
 * holds all (its creates run one at a time). A key far from its limit is not counted on every create:
 * its last count plus the jobs inserted since bounds it ({@link ActiveJobBound}), and it is counted again
 * only when that bound no longer leaves room, so the cost of a create does not grow with the key's queue.
 * Such a create, without Idempotency-Key, is one statement outside a transaction: slot, insert and commit in
 * one round trip (the bound holds whatever that statement's snapshot sees). A create that counts is three:
 * the slot, the insert (count and insert in one statement, its snapshot taken once the slot was granted)
 * and the commit. After the commit, the workers' signal. (Counted again every second, as before
 * 2026-12-06, every create in flight at that moment counted the key's whole queue: with 25,000 jobs
 * queued, 8 counts a second read 200 index entries per create on average; found by the API benchmark.)
 */
@Service
class VideoCreation {

  private static final Logger log = LoggerFactory.getLogger(VideoCreation.class);
  private static final Pattern KEY_SHAPE = Pattern.compile("[\\x21-\\x7e]{1,255}");
  private static final int MAX_BOUNDS = 10_000;

  /**
   * The job, whether it was created by an earlier request with the same key, and (for a new job) its
   * queue position as counted at its insert, else -1.
   */
  record Created(Job job, boolean replayed, long queuePosition) {}

  private final RequestValidator validator;
  private final InputImages images;
  private final IdempotencyStore idempotency;
  private final VideoJobs jobs;
  private final ObjectStorage storage;
  private final TransactionTemplate transactions;
  private final ApiSettings settings;
  private final CreationLocks locks;
  /** Per key, the last count of its active jobs and what it bounds ({@link ActiveJobBound}). */
  private final ConcurrentHashMap<UUID, ActiveJobBound> bounds = new ConcurrentHashMap<>();

  VideoCreation(RequestValidator validator, InputImages images, IdempotencyStore idempotency, VideoJobs jobs,
      ObjectStorage storage, TransactionTemplate transactions, ApiSettings settings, CreationLocks locks) {
    this.locks = locks;
    this.validator = validator;
    this.images = images;
    this.idempotency = idempotency;
    this.jobs = jobs;
    this.storage = storage;
    this.transactions = transactions;
    this.settings = settings;
  }

  static void checkIdempotencyKey(@Nullable String key) {
    if (key != null && !KEY_SHAPE.matcher(key).matches()) {
      throw Problems.invalid("Idempotency-Key", "must be 1 to 255 visible ASCII characters");
    }
  }

  Created create(Caller caller, RequestReader.Parsed parsed, @Nullable String idempotencyKey) {
    checkIdempotencyKey(idempotencyKey);
    byte @Nullable [] fingerprint = idempotencyKey == null ? null : parsed.fingerprint();
    if (idempotencyKey != null) {
      var earlier = idempotency.find(caller.apiKeyId(), idempotencyKey);
      if (earlier.isPresent()) {
        return replay(caller, earlier.get(), fingerprint);
      }
    }
    RequestValidator.Valid valid = validator.validate(parsed);
    if (valid.image() != null) {
      checkActiveJobs(caller); // early, before an image is fetched and stored; exactly at the insert below
    }
    InputImages.Image image = null;
    if (valid.image() instanceof RequestValidator.Inline inline) {
      image = images.inspect(inline.bytes());
    } else if (valid.image() instanceof RequestValidator.Remote remote) {
      image = images.inspect(images.fetch(remote.url()));
    }

    UUID jobId = RandomIds.timeOrderedUuid(); // inserted at the primary key's right edge
    String imageKey = null;
    if (image != null) {
      imageKey = "inputs/" + jobId + "/image";
      storage.put(imageKey, new ByteArrayInputStream(image.bytes()), image.bytes().length, image.contentType());
    }
    NewJob newJob = new NewJob(caller.tenantId(), caller.apiKeyId(), valid.prompt(), valid.negativePrompt(), valid.frames(),
        valid.width(), valid.height(), valid.fps(), valid.seed(), valid.steps(), valid.guidanceScale(), imageKey,
        valid.webhookUrl() != null ? valid.webhookUrl() : caller.defaultWebhookUrl(), valid.metadata());
    boolean written = false;
    try {
      Created created = idempotencyKey == null ? insertUncounted(caller, jobId, newJob) : null;
      if (created == null) {
        try {
          created = insert(caller, fingerprint, idempotencyKey, jobId, newJob, false);
        } catch (NearTheLimit e) {
          created = insert(caller, fingerprint, idempotencyKey, jobId, newJob, true);
        }
      }
      if (created == null) {
        throw inFlight(); // the conflicting record expired between the two statements: let the client retry
      }
      written = !created.replayed();
      return created;
    } finally {
      if (!written && imageKey != null) {
        deleteQuietly(imageKey);
      }
    }
  }

  private void remember(UUID apiKeyId, ActiveJobBound bound) {
    if (bounds.size() >= MAX_BOUNDS) {
      bounds.clear();
    }
    bounds.put(apiKeyId, bound);
  }

  /**
   * A create without Idempotency-Key of a key whose last count still leaves room: slot, insert and commit
   * in one statement and round trip, outside a transaction ({@link VideoJobs#createInOneSlot}). Null when
   * there is no such count, or when the rows inserted since it left no room by the time the slot was
   * granted: then nothing was written, and the create counts in a transaction of its own.
   */
  private @Nullable Created insertUncounted(Caller caller, UUID jobId, NewJob newJob) {
    int max = caller.maxActiveJobs();
    int slots = settings.createSlots();
    ActiveJobBound bound = bounds.get(caller.apiKeyId());
    long room = bound == null ? -1 : bound.room(slots, max);
    if (max <= slots || bound == null || room < 0) {
      return null;
    }
    VideoJobs.Admission admission = jobs.createInOneSlot(jobId, newJob, CreationSlot.of(caller.apiKeyId(), slots),
        bound.createdBefore(), room);
    return admission.job().map(job -> new Created(job, false, admission.queuePosition())).orElse(null);
  }

  /** The key's active jobs leave too little room for a create holding one slot: roll back, retry with all. */
  private static final class NearTheLimit extends RuntimeException {
    NearTheLimit() {
      super(null, null, false, false);
    }
  }

  /**
   * The transaction of a create: the idempotency record, the creation slot(s), and the insert, which
   * counts the key's active jobs itself. Null when a conflicting idempotency record expired meanwhile.
   */
  private @Nullable Created insert(Caller caller, byte @Nullable [] fingerprint, @Nullable String idempotencyKey,
      UUID jobId, NewJob newJob, boolean allSlots) {
    int max = caller.maxActiveJobs();
    int slots = settings.createSlots();
    return transactions.execute(tx -> {
      if (idempotencyKey != null && fingerprint != null) {
        if (!idempotency.tryLock(caller.apiKeyId(), idempotencyKey)) {
          throw inFlight();
        }
        if (!idempotency.claim(caller.apiKeyId(), idempotencyKey, fingerprint, settings.idempotencyTtl())) {
          var stored = idempotency.find(caller.apiKeyId(), idempotencyKey);
          return stored.isPresent() ? replay(caller, stored.get(), fingerprint) : null;
        }
      }
      // one slot: up to `slots` creates of this key are counted but not committed, so leave room for
      // them all; all slots: no other create of the key is in flight, the count is exact
      boolean oneSlot = !allSlots && max > slots;
      VideoJobs.Admission admission;
      if (oneSlot) {
        long createdNow = locks.takeOneSlot(caller.apiKeyId());
        ActiveJobBound bound = bounds.get(caller.apiKeyId());
        if (bound != null && bound.leavesRoom(createdNow, slots, max)) {
          // far enough from the limit, as the last count and the rows inserted since show: no need to count
          admission = jobs.createIfFewerActive(jobId, newJob, Integer.MAX_VALUE, 0);
        } else {
          admission = jobs.createIfFewerActive(jobId, newJob, max - slots + 1, max);
          if (admission.job().isPresent()) {
            remember(caller.apiKeyId(), new ActiveJobBound(admission.activeJobs(), createdNow));
          }
        }
      } else {
        locks.takeAllSlots(caller.apiKeyId());
        admission = jobs.createIfFewerActive(jobId, newJob, max, max);
      }
      if (admission.job().isEmpty()) {
        if (admission.activeJobs() >= max) {
          throw tooManyActiveJobs(caller);
        }
        throw new NearTheLimit();
      }
      if (idempotencyKey != null) {
        idempotency.attach(caller.apiKeyId(), idempotencyKey, jobId);
      }
      return new Created(admission.job().get(), false, admission.queuePosition());
    });
  }

  private void checkActiveJobs(Caller caller) {
    if (jobs.activeJobs(caller.apiKeyId()) >= caller.maxActiveJobs()) {
      throw tooManyActiveJobs(caller);
    }
  }

  private static ErrorResponseException tooManyActiveJobs(Caller caller) {
    ErrorResponseException e = Problems.problem(HttpStatus.TOO_MANY_REQUESTS, "too-many-active-jobs", "Too many active jobs",
        "this API key may have " + caller.maxActiveJobs() + " queued or running jobs at once; wait for one to finish");
    e.getHeaders().set(HttpHeaders.RETRY_AFTER, "10");
    return e;
  }

  private Created replay(Caller caller, IdempotencyStore.Stored stored, byte[] fingerprint) {
    if (!MessageDigest.isEqual(stored.fingerprint(), fingerprint)) {
      throw Problems.problem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused", "Idempotency key reused",
          "this Idempotency-Key was used with a different request; use a new key for a new request");
    }
    if (stored.jobId() == null) {
      throw Problems.problem(HttpStatus.CONFLICT, "idempotency-key-in-use", "Idempotency key in use",
          "the video created with this Idempotency-Key was deleted; use a new key");
    }
    Job job = jobs.find(caller.tenantId(), stored.jobId()).orElseThrow(() -> Problems.problem(HttpStatus.CONFLICT,
        "idempotency-key-in-use", "Idempotency key in use", "the video created with this Idempotency-Key was deleted; use a new key"));
    return new Created(job, true, -1);
  }

  private static ErrorResponseException inFlight() {
    ErrorResponseException e = Problems.problem(HttpStatus.CONFLICT, "idempotency-key-in-use", "Idempotency key in use",
        "a request with this Idempotency-Key is being processed; retry shortly");
    e.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
    return e;
  }

  private void deleteQuietly(String key) {
    try {
      storage.delete(key);
    } catch (RuntimeException e) {
      log.warn("could not delete the unused input image {}", key, e);
    }
  }
}
