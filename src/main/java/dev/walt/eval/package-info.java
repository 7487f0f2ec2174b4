/**
 * The evaluator of generated videos: {@link dev.walt.eval.Analyser} reads a clip's pixels and tells the
 * background, the object's colour and shape and its motion, using only the values of the world's {@code
 * domain.json}; {@link dev.walt.eval.EvalReport} turns analyses of generated clips and the ground truth of
 * their prompts into per-attribute accuracy; {@link dev.walt.eval.Psnr} and {@link dev.walt.eval.Upsampling}
 * measure reconstruction, first-frame fidelity and super-resolution against bicubic upsampling.
 *
 * <p>Typical use, on held-out prompts:
 *
 * <pre>{@code
 * Analyser analyser = Analyser.shipped();            // or new Analyser(Domain.parse(json))
 * EvalReport report = new EvalReport();
 * WorldSampler sampler = new WorldSampler(seed);
 * for (int i = 0; i < n; i++) {
 *   Example e = sampler.video(Split.HELD_OUT, i);
 *   List<BufferedImage> clip = generate(e.caption());  // the model under test
 *   report.add(e.scene(), analyser.analyse(clip));
 *   // image-to-video: first frame against the given image
 *   report.addMeasurement("i2v first-frame PSNR (dB)", Psnr.of(clip.get(0), given));
 *   // super-resolution: model output and bicubic baseline against the true high-resolution clip
 *   List<BufferedImage> truth = SceneRenderer.render(e.scene(), 128);
 *   List<BufferedImage> low = Frames.downsample(truth, 64);
 *   report.addMeasurement("SR1 gain over bicubic (dB)",
 *       Psnr.of(superResolve(low), truth) - Psnr.of(Upsampling.bicubic(low, 128, 128), truth));
 * }
 * System.out.println(report.markdown());
 * }</pre>
 */
@NullMarked
package dev.walt.eval;

import org.jspecify.annotations.NullMarked;
