package dev.walt.api;

/**
 * An upper bound of an API key's active (queued and running) jobs that needs no count: an exact count
 * taken a moment ago, plus everything that can have been added since. A create holding one creation
 * slot may skip counting when this bound leaves room (see {@link VideoCreation}).
 *
 * <p>Why it holds. Every job row draws a number from {@code video_jobs_created_seq} when it is inserted,
 * and every create holds a creation slot of its key from before its insert until it commits (at most
 * {@code slots} creates of a key at once, {@link CreationLocks}). The count {@code counted} was taken
 * by a statement after the sequence had been read at {@code createdBefore}. Then the key's jobs that
 * are active or being inserted now are at most: {@code counted} (committed when counted), plus those in
 * flight then (at most {@code slots}), plus the rows inserted since ({@code createdNow -
 * createdBefore}, all keys together: never too few). Finished jobs only lower the real number. Creates
 * that have not inserted yet, the caller included, are at most {@code slots} more; so when
 * {@code atMost(createdNow) + slots <= max}, the caller's insert cannot exceed the limit.
 *
 * <p>The bound holds however old it is: it only grows looser, until it no longer leaves room and the
 * next create counts again. It does not hold if the sequence went back (a database restored under a
 * running replica): then it leaves no room, and the key is counted.
 *
 * @param counted the key's active jobs as counted
 * @param createdBefore the sequence's value read before that count
 */
record ActiveJobBound(int counted, long createdBefore) {

  /** The key's active jobs and jobs being inserted, at most, when the sequence stands at {@code createdNow}. */
  long atMost(long createdNow, int slots) {
    return counted + (long) slots + Math.max(0, createdNow - createdBefore);
  }

  /** Whether a create holding one slot may insert without counting, given the key's limit. */
  boolean leavesRoom(long createdNow, int slots, int max) {
    long since = createdNow - createdBefore;
    return since >= 0 && since <= room(slots, max);
  }

  /**
   * How many rows may have been inserted since the count, at most, for a create holding one slot to
   * insert without counting: {@code atMost(createdNow, slots) + slots <= max} solved for the rows since;
   * negative when none may.
   */
  long room(int slots, int max) {
    return (long) max - counted - 2L * slots;
  }
}
