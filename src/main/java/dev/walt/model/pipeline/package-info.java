/**
 * Text- and image-to-video generation with a loaded {@link dev.walt.model.WaltModel}: {@link
 * dev.walt.model.pipeline.WaltPipeline} (prompt, image and parameters in, {@link dev.walt.video.Clip}
 * out), what a model supports ({@link dev.walt.model.pipeline.ModelLimits}) and the {@code generate} and
 * {@code eval} commands. Shapes follow the glossary of {@link dev.walt.model}.
 */
@NullMarked
package dev.walt.model.pipeline;

import org.jspecify.annotations.NullMarked;
