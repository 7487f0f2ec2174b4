package dev.walt.video;

/**
 * An uploaded image was refused. The {@link #reason()} says why in a stable, machine-readable way; the
 * message says it for a person (it never contains the image bytes or a stack trace and can be shown to
 * the client).
 */
public class ImageRejectedException extends RuntimeException {

  /** Why an image was refused; {@link #slug()} is stable and fits a problem {@code type} URI. */
  public enum Reason {
    /** No bytes at all. Suggested status 400. */
    EMPTY("image-empty"),
    /** More bytes than the configured limit. Suggested status 413. */
    TOO_LARGE_BYTES("image-too-large"),
    /** The header declares more pixels than the configured limit. Suggested status 422. */
    TOO_MANY_PIXELS("image-too-many-pixels"),
    /** Not PNG, JPEG or WebP (whatever its declared type), or a variant of them not supported. 415. */
    UNSUPPORTED_FORMAT("image-unsupported-format"),
    /** Recognised, but truncated, malformed or inconsistent. Suggested status 422. */
    CORRUPT("image-corrupt");

    private final String slug;

    Reason(String slug) {
      this.slug = slug;
    }

    public String slug() {
      return slug;
    }
  }

  private static final long serialVersionUID = 1L;

  private final Reason reason;

  public ImageRejectedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ImageRejectedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
