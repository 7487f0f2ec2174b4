/**
 * Video feature: frames in and out of the model, and the media files around them.
 *
 * <ul>
 *   <li>{@link dev.walt.video.Clip}: frames plus fps; converts to and from the model's {@code (3, T, H, W)}
 *       float layout with values in [-1, 1].
 *   <li>{@link dev.walt.video.VideoEncoder}: MP4 (H.264, yuv420p, faststart), JPEG poster thumbnail and a
 *       small looping WebM (VP9) preview.
 *   <li>{@link dev.walt.video.VideoDecoder}: reads a video back into a clip, with its {@link
 *       dev.walt.video.VideoInfo} (tests and the evaluator).
 *   <li>{@link dev.walt.video.ImageDecoder}: untrusted uploads (PNG, JPEG, WebP), format sniffed from the
 *       bytes, byte and pixel limits checked before any pixel is decoded.
 *   <li>{@link dev.walt.video.Images}: resize and centre-crop.
 * </ul>
 *
 * <p>Codecs come from FFmpeg through JavaCV ({@code FFmpegFrameRecorder}, {@code FFmpegFrameGrabber},
 * {@code Java2DFrameConverter}); nothing here needs OpenCV. Every FFmpeg object is created per call and
 * closed before the call returns, so all public types are safe to share between threads.
 */
@NullMarked
package dev.walt.video;

import org.jspecify.annotations.NullMarked;
