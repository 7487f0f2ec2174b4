package dev.walt.system;

/**
 * What a process of the service does ({@code walt.roles}, env {@code WALT_ROLES}). One image, one
 * application: the Helm chart and docker-compose run the same jar as separate {@code api} and
 * {@code worker} processes; the embedded default runs both in one.
 */
public enum Role {

  /** Serves the {@code /v1} HTTP API (and its OpenAPI document): accepts jobs, reports their status. */
  API,

  /** Runs the worker pool: claims queued jobs and generates their videos. */
  WORKER
}
