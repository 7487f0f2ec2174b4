package dev.walt.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Turns a {@link Clip} into the files a finished job publishes.
 *
 * <ul>
 *   <li>{@linkplain #encodeMp4 MP4}: H.264 (libx264, constant rate factor and preset from {@link
 *       VideoSettings}), yuv420p, BT.601 limited range (tagged), the clip's fps, {@code moov} before
 *       {@code mdat} ({@code movflags +faststart}) so playback starts before the download ends. H.264
 *       4:2:0 needs even sizes: an odd width or height is padded by repeating the last column or row,
 *       so such a clip decodes one pixel wider or taller.
 *   <li>{@linkplain #thumbnailJpeg poster}: JPEG of the middle frame, shrunk to fit {@code
 *       thumbnailMaxSide}.
 *   <li>{@linkplain #previewWebm preview}: WebM with VP9 (libvpx-vp9, constant quality), at most {@code
 *       previewMaxFrames} frames from the start at the clip's fps, shrunk to fit {@code previewMaxSide}.
 *       WebM rather than GIF: a fraction of the size at far better colour, and it plays (and loops with
 *       {@code <video autoplay loop muted playsinline>}) in every current browser; the JPEG poster covers
 *       clients that cannot play it.
 * </ul>
 *
 * <p>Safe for concurrent use: every call creates and closes its own FFmpeg recorder and frame. The MP4
 * and WebM muxers rewrite their output (faststart moves {@code moov}, WebM writes cues and duration), so
 * byte and stream outputs are encoded through a temporary file, deleted before the call returns.
 */
@Component
public class VideoEncoder {

  public static final String MP4_CONTENT_TYPE = "video/mp4";
  public static final String THUMBNAIL_CONTENT_TYPE = "image/jpeg";
  public static final String PREVIEW_CONTENT_TYPE = "video/webm";

  private final VideoSettings settings;

  @Autowired
  public VideoEncoder(VideoSettings settings) {
    this.settings = settings;
  }

  /** An encoder with {@link VideoSettings#defaults()}. */
  public VideoEncoder() {
    this(VideoSettings.defaults());
  }

  /** Encodes {@code clip} as MP4 into {@code target} (created or replaced; deleted if encoding fails). */
  public void encodeMp4(Clip clip, Path target) {
    try {
      record(clip.frames(), clip.fps(), target, Container.MP4);
    } catch (RuntimeException e) {
      Frames.deleteQuietly(target);
      throw e;
    }
  }

  /** Encodes {@code clip} as MP4 and writes it to {@code out} (which stays open). */
  public void encodeMp4(Clip clip, OutputStream out) {
    viaTempFile(clip.frames(), clip.fps(), Container.MP4, out);
  }

  /** Encodes {@code clip} as MP4 and returns the file's bytes. */
  public byte[] encodeMp4(Clip clip) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    viaTempFile(clip.frames(), clip.fps(), Container.MP4, bytes);
    return bytes.toByteArray();
  }

  /** The poster: a JPEG of the middle frame ({@code frames / 2}), shrunk to fit the thumbnail size. */
  public byte[] thumbnailJpeg(Clip clip) {
    return thumbnailJpeg(clip.frames().get(clip.frameCount() / 2));
  }

  /** A JPEG of {@code frame}, shrunk to fit the thumbnail size (never enlarged). */
  public byte[] thumbnailJpeg(BufferedImage frame) {
    BufferedImage image = Images.fit(frame, settings.thumbnailMaxSide());
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new IllegalStateException("this JVM has no JPEG writer");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(settings.thumbnailQuality());
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("JPEG thumbnail encoding failed", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** The looping preview: WebM (VP9) of the first frames, shrunk to fit the preview size. */
  public byte[] previewWebm(Clip clip) {
    List<BufferedImage> frames =
        clip.frames().subList(0, Math.min(clip.frameCount(), settings.previewMaxFrames()));
    if (Math.max(clip.width(), clip.height()) > settings.previewMaxSide()) {
      frames = frames.stream().map(f -> Images.fit(f, settings.previewMaxSide())).toList();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    viaTempFile(frames, clip.fps(), Container.WEBM, bytes);
    return bytes.toByteArray();
  }

  private enum Container {
    MP4,
    WEBM
  }

  private void viaTempFile(List<BufferedImage> frames, int fps, Container container, OutputStream out) {
    Path temp = Frames.tempFile(container == Container.MP4 ? ".mp4" : ".webm");
    try {
      record(frames, fps, temp, container);
      Files.copy(temp, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the encoded video", e);
    } finally {
      Frames.deleteQuietly(temp);
    }
  }

  private void record(List<BufferedImage> frames, int fps, Path target, Container container) {
    Frames.init();
    int width = frames.get(0).getWidth();
    int height = frames.get(0).getHeight();
    // 4:2:0 subsampling needs even sizes; pad by one repeated column/row where odd
    int evenWidth = width + (width & 1);
    int evenHeight = height + (height & 1);
    try (FFmpegFrameRecorder recorder =
            new FFmpegFrameRecorder(target.toAbsolutePath().toString(), evenWidth, evenHeight, 0);
        Frame frame = new Frame(evenWidth, evenHeight, Frame.DEPTH_UBYTE, 3)) {
      configure(recorder, fps, container);
      recorder.start();
      for (BufferedImage image : frames) {
        Frames.copyInto(image, frame);
        recorder.record(frame, AV_PIX_FMT_BGR24);
      }
      recorder.stop();
    } catch (IOException e) { // FFmpegFrameRecorder.Exception is an IOException
      throw new UncheckedIOException(
          container + " encoding of " + frames.size() + " frames " + width + "x" + height + " failed: "
              + e.getMessage(),
          e);
    }
  }

  private void configure(FFmpegFrameRecorder recorder, int fps, Container container) {
    recorder.setFrameRate(fps);
    recorder.setImageScalingFlags(Frames.SCALING_FLAGS);
    recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
    recorder.setVideoBitrate(0); // constant quality, no bitrate target
    recorder.setGopSize(Math.max(1, 2 * fps)); // a keyframe every 2 s (JavaCV's default is 12 frames)
    // swscale converts RGB to YUV with BT.601 coefficients in limited range: say so in the stream
    recorder.setVideoOption("color_range", "tv");
    recorder.setVideoOption("colorspace", "smpte170m");
    recorder.setVideoOption("color_primaries", "smpte170m");
    recorder.setVideoOption("color_trc", "smpte170m");
    switch (container) {
      case MP4 -> {
        recorder.setFormat("mp4");
        recorder.setVideoCodecName("libx264");
        recorder.setVideoOption("crf", Integer.toString(settings.h264Crf()));
        recorder.setVideoOption("preset", settings.h264Preset());
        recorder.setOption("movflags", "+faststart");
      }
      case WEBM -> {
        recorder.setFormat("webm");
        recorder.setVideoCodecName("libvpx-vp9");
        recorder.setVideoOption("crf", Integer.toString(settings.previewCrf()));
        recorder.setVideoOption("deadline", "good");
        recorder.setVideoOption("cpu-used", "5");
        recorder.setVideoOption("row-mt", "1");
      }
    }
  }
}
