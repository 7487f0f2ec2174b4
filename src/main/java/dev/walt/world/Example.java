package dev.walt.world;

/**
 * A scene and its caption: one training or evaluation example.
 *
 * @param index the example's index in its sampler's stream
 * @param template id of the caption's {@link Template}
 */
public record Example(Scene scene, String caption, String template, long index) {}
