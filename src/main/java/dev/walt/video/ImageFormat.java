package dev.walt.video;

/** Upload formats the {@link ImageDecoder} accepts, each recognised by its leading bytes. */
public enum ImageFormat {
  PNG("image/png"),
  JPEG("image/jpeg"),
  WEBP("image/webp");

  private final String contentType;

  ImageFormat(String contentType) {
    this.contentType = contentType;
  }

  /** The IANA media type. */
  public String contentType() {
    return contentType;
  }
}
