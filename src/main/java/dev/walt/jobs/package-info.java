/**
 * Video jobs: the user-visible resource and the PostgreSQL queue in one table ({@code video_jobs}).
 * Creation, lookup, listing, cancellation and deletion for the API; claim, heartbeat, guarded finish
 * and rescue for the workers.
 */
@NullMarked
package dev.walt.jobs;

import org.jspecify.annotations.NullMarked;
