/**
 * The public HTTP API under {@code /v1}: video creation (JSON and multipart), lookup, listing,
 * cancellation, deletion, content redirects and Server-Sent Events; request validation,
 * idempotency keys, and RFC 9457 problem responses for every error.
 */
@NullMarked
package dev.walt.api;

import org.jspecify.annotations.NullMarked;
