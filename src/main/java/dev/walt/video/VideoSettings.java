package dev.walt.video;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the video feature ({@code walt.video.*}).
 *
 * @param maxImageSize largest accepted upload, checked before anything is parsed
 * @param maxImagePixels largest accepted width * height of an upload, checked from the file header
 *     before the pixels are decoded
 * @param h264Crf x264 constant rate factor (0 lossless .. 51 worst; 18 is visually lossless)
 * @param h264Preset x264 speed preset ({@code ultrafast} .. {@code veryslow})
 * @param thumbnailMaxSide longest side of the JPEG poster; smaller frames are not enlarged
 * @param thumbnailQuality JPEG quality of the poster, 0..1
 * @param previewMaxSide longest side of the WebM preview; smaller clips are not enlarged
 * @param previewMaxFrames the preview holds at most this many frames from the start of the clip
 * @param previewCrf libvpx-vp9 constant quality (0 best .. 63 worst)
 */
@ConfigurationProperties("walt.video")
@Validated
public record VideoSettings(
    @DefaultValue("10MB") DataSize maxImageSize,
    @DefaultValue("16777216") @Positive long maxImagePixels,
    @DefaultValue("18") @Min(0) @Max(51) int h264Crf,
    @DefaultValue("veryfast") @NotBlank String h264Preset,
    @DefaultValue("512") @Min(16) @Max(4096) int thumbnailMaxSide,
    @DefaultValue("0.88") @DecimalMin("0.0") @DecimalMax("1.0") float thumbnailQuality,
    @DefaultValue("256") @Min(16) @Max(2048) int previewMaxSide,
    @DefaultValue("48") @Positive int previewMaxFrames,
    @DefaultValue("34") @Min(0) @Max(63) int previewCrf) {

  /** The x264 presets, fastest first. */
  static final Set<String> H264_PRESETS =
      Set.of(
          "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
          "veryslow", "placebo");

  public VideoSettings {
    if (maxImageSize.toBytes() <= 0 || maxImageSize.toBytes() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "walt.video.max-image-size must be between 1 byte and 2 GB, was " + maxImageSize);
    }
    if (maxImagePixels <= 0) {
      throw new IllegalArgumentException("walt.video.max-image-pixels must be positive");
    }
    if (!H264_PRESETS.contains(h264Preset)) {
      throw new IllegalArgumentException(
          "walt.video.h264-preset must be one of " + H264_PRESETS + ", was '" + h264Preset + "'");
    }
  }

  /** The defaults, for use without Spring (the same values as the {@code @DefaultValue}s). */
  public static VideoSettings defaults() {
    return new VideoSettings(
        DataSize.ofMegabytes(10), 4096L * 4096L, 18, "veryfast", 512, 0.88f, 256, 48, 34);
  }
}
