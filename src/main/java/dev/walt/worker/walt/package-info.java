/**
 * The production {@link dev.walt.worker.VideoGenerator}: the W.A.L.T cascade ({@link
 * dev.walt.model.pipeline.WaltPipeline}) on the devices DJL finds, the {@code walt.model.*} settings,
 * the generation limits the API validates against, and the {@code workers} readiness indicator.
 */
@NullMarked
package dev.walt.worker.walt;

import org.jspecify.annotations.NullMarked;
