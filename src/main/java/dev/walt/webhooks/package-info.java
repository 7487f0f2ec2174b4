/**
 * Webhooks: a row in the {@code webhook_deliveries} outbox is written in the same transaction that
 * finishes a job; a dispatcher on every instance sends due rows, signed per Standard Webhooks, and
 * retries with backoff for up to a day. Also the validation of webhook URLs.
 */
@NullMarked
package dev.walt.webhooks;

import org.jspecify.annotations.NullMarked;
