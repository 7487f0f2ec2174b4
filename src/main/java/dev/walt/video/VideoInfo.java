package dev.walt.video;

/**
 * What a decoded video stream is.
 *
 * @param container the demuxer's name as FFmpeg reports it (e.g. {@code mov,mp4,m4a,3gp,3g2,mj2}, {@code
 *     matroska,webm})
 * @param codec FFmpeg's short codec name (e.g. {@code h264}, {@code vp9})
 * @param pixelFormat FFmpeg's pixel format name of the coded stream (e.g. {@code yuv420p})
 * @param width coded picture width in pixels
 * @param height coded picture height in pixels
 * @param fps average frame rate of the stream
 * @param frameCount frames actually decoded
 */
public record VideoInfo(
    String container, String codec, String pixelFormat, int width, int height, double fps, int frameCount) {}
