package dev.walt.worker;

import org.jspecify.annotations.Nullable;

/**
 * The files a finished job publishes: the video, its thumbnail and an optional animated preview.
 *
 * @param previewName the object name of the preview ({@code preview.webp} or {@code preview.gif})
 */
record EncodedVideo(
    byte[] video,
    byte[] thumbnail,
    byte @Nullable [] preview,
    String previewName,
    String previewContentType) {}
