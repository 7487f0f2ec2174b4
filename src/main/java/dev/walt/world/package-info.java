/**
 * The moving-shapes world that {@code walt-tiny} is trained on: one flat-coloured object (circle, square,
 * triangle) moving in a straight line over a flat background, 17 frames at 8 fps, rendered anti-aliased at
 * 256 x 256 and area-averaged down to 128, 64 and 32 for the lower stages of the cascade.
 *
 * <p>Everything is a pure function of a seed ({@link java.util.SplittableRandom}, never global randomness):
 * {@link dev.walt.world.WorldSampler} draws {@link dev.walt.world.Example}s (a {@link dev.walt.world.Scene}
 * and its caption) for a {@link dev.walt.world.Split}, {@link dev.walt.world.SceneRenderer} turns a scene
 * into frames, {@link dev.walt.world.Frames} converts frames to the model's {@code (3, T, H, W)} arrays in
 * [-1, 1] and back, and {@link dev.walt.world.TrainingBatches} assembles training batches. {@link
 * dev.walt.world.Attributes} reads what a prompt asks for back from its words; {@link
 * dev.walt.world.ContactSheet} lays clips out in a PNG for looking at them.
 *
 * <p>The world is described as data in {@code models/walt-tiny/domain.json} and {@code vocab.txt}, both
 * generated from this code by {@link dev.walt.world.DomainDescription}; {@link dev.walt.world.Domain} is
 * the parsed view that the evaluator uses.
 */
@NullMarked
package dev.walt.world;

import org.jspecify.annotations.NullMarked;
