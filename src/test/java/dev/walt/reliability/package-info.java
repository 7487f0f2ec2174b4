/** Fault-injection and fuzz suites (issue 10): real processes, real kills, hostile input. */
@NullMarked
package dev.walt.reliability;

import org.jspecify.annotations.NullMarked;
