package dev.walt.model.diffusion;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One generation through a {@link Cascade}.
 *
 * @param batch B, videos generated together
 * @param frames frames per segment (17 in the paper), 1 + a multiple of every VAE's temporal factor
 * @param segments 1 for one clip; more extends the video by continuation, each segment adding {@code
 *     frames - overlapFrames} frames
 * @param overlapFrames frames of the previous segment re-encoded as known frames of the next (paper:
 *     5 frames, 2 latent frames)
 * @param text per stage text tokens (null entries: unconditional); empty: no text anywhere
 * @param images image-to-video: per stage, the first frame (B, 3, 1, H, W) at that stage's size, or null;
 *     empty (or all null) for text-to-video. Each given image becomes the first known latent frame of
 *     its stage, so the video starts with the image at every resolution of the cascade, not only at the
 *     base stage's
 * @param seed the same seed gives the same video
 */
public record CascadeRequest(
    int batch,
    int frames,
    int segments,
    int overlapFrames,
    List<@Nullable TextConditioning> text,
    List<@Nullable NDArray> images,
    long seed) {

  /** The paper's continuation overlap: 5 frames, re-encoded into 2 latent frames. */
  public static final int PAPER_OVERLAP = 5;

  public CascadeRequest {
    text = Collections.unmodifiableList(new ArrayList<>(text));
    images = Collections.unmodifiableList(new ArrayList<>(images));
    if (batch < 1 || frames < 1 || segments < 1) {
      throw new IllegalArgumentException("batch, frames and segments must be positive");
    }
    if (segments > 1 && (overlapFrames < 1 || overlapFrames >= frames)) {
      throw new IllegalArgumentException(
          "continuation needs 1 <= overlapFrames < frames, got " + overlapFrames + " of " + frames);
    }
  }

  /** Total frames of the result: {@code frames + (segments - 1) * (frames - overlapFrames)}. */
  public int totalFrames() {
    return frames + (segments - 1) * (frames - overlapFrames);
  }

  /** The first frame given to stage {@code stage}, or null. */
  public @Nullable NDArray image(int stage) {
    return stage < images.size() ? images.get(stage) : null;
  }

  /** The text of stage {@code stage}, or null. */
  public @Nullable TextConditioning text(int stage) {
    return stage < text.size() ? text.get(stage) : null;
  }
}
