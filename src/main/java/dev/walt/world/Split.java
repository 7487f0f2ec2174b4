package dev.walt.world;

/** Which caption templates (and which random stream) examples are drawn from. */
public enum Split {
  /** Templates the model is trained on. */
  TRAIN,
  /** Templates never seen in training, for evaluating generalisation; their words all occur in training. */
  HELD_OUT
}
