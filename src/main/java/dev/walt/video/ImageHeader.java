package dev.walt.video;

/**
 * What an image's header says, read without decoding any pixel.
 *
 * @param format the format recognised from the leading bytes
 * @param width width in pixels, positive
 * @param height height in pixels, positive
 */
public record ImageHeader(ImageFormat format, int width, int height) {

  /** width * height. */
  public long pixels() {
    return (long) width * height;
  }
}
