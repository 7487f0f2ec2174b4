package dev.walt.jobs;

import java.util.Locale;

/** The life of a video job; the lower-case name is what the API and the database use. */
public enum JobStatus {
  QUEUED,
  IN_PROGRESS,
  COMPLETED,
  FAILED,
  CANCELLED,
  EXPIRED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobStatus fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  public boolean terminal() {
    return this != QUEUED && this != IN_PROGRESS;
  }
}
