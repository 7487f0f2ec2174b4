package dev.walt.video;

/**
 * A video read back: its frames (fps rounded to a whole number) and what the stream said about itself.
 */
public record DecodedVideo(Clip clip, VideoInfo info) {}
