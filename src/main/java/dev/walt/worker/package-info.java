/** The worker pool: claims jobs, runs a {@link dev.walt.worker.VideoGenerator}, uploads, finishes. */
@NullMarked
package dev.walt.worker;

import org.jspecify.annotations.NullMarked;
