package dev.walt.storage;

/** The object asked for does not exist in the bucket. */
public class ObjectNotFoundException extends StorageException {

  private static final long serialVersionUID = 1L;

  private final String key;

  public ObjectNotFoundException(String key) {
    super("no object " + key);
    this.key = key;
  }

  /** The key of the missing object. */
  public String key() {
    return key;
  }
}
