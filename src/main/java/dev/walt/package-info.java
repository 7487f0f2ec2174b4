/** The walt service: application entry point and command-line dispatch. */
@NullMarked
package dev.walt;

import org.jspecify.annotations.NullMarked;
