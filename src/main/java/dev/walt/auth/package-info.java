/**
 * Tenants and API keys: bearer authentication of every {@code /v1} request, per-key request rate
 * limits, the development key of the embedded default, and the admin API that creates and revokes
 * keys. Keys are stored only as HMAC-SHA256 under a server pepper.
 */
@NullMarked
package dev.walt.auth;

import org.jspecify.annotations.NullMarked;
