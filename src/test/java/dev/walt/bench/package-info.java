/** Benchmarks: commands (test-scope mains) that measure the queue and the API; see docs/benchmarks.md. */
@NullMarked
package dev.walt.bench;

import org.jspecify.annotations.NullMarked;
