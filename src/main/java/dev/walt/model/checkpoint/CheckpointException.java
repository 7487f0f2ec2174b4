package dev.walt.model.checkpoint;

import java.io.IOException;

/**
 * A checkpoint file that cannot be used: corrupted, or not matching the model (a missing, extra or
 * mis-shaped tensor). The message names the file and the tensor, e.g. {@code checkpoint
 * vae.safetensors: missing tensor 'decoder.conv_out.weight'}.
 */
public final class CheckpointException extends IOException {

  private static final long serialVersionUID = 1L;

  public CheckpointException(String file, String problem) {
    super("checkpoint " + file + ": " + problem);
  }

  public CheckpointException(String file, String problem, Throwable cause) {
    super("checkpoint " + file + ": " + problem, cause);
  }
}
