package dev.walt.worker;

import java.awt.image.BufferedImage;
import java.util.List;

/** The frames a generator produced, at the given frame rate. */
public record GeneratedVideo(List<BufferedImage> frames, int fps) {

  public GeneratedVideo {
    frames = List.copyOf(frames);
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("a video needs at least one frame");
    }
  }
}
