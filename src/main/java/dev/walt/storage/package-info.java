/**
 * Object storage on an S3-compatible server through the MinIO SDK: {@link dev.walt.storage.ObjectStorage}
 * puts, reads, lists and deletes objects in the configured bucket and signs time-limited GET URLs for
 * clients, optionally for a public address different from the internal endpoint.
 */
@NullMarked
package dev.walt.storage;

import org.jspecify.annotations.NullMarked;
