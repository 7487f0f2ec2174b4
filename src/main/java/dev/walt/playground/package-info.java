/**
 * The playground: a page served by the application ({@code /playground/}) where a person can try the
 * API in a browser, and the read-only settings it needs ({@code GET /playground/config}: generation
 * limits and, in the embedded default, where the development API key file is; never the key).
 */
@NullMarked
package dev.walt.playground;

import org.jspecify.annotations.NullMarked;
