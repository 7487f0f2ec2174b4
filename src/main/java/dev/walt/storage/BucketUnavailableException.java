package dev.walt.storage;

/** The configured bucket cannot be reached, does not exist or cannot be created. */
public class BucketUnavailableException extends StorageException {

  private static final long serialVersionUID = 1L;

  public BucketUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public BucketUnavailableException(String message) {
    super(message);
  }
}
