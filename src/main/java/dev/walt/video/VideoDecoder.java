package dev.walt.video;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.springframework.stereotype.Component;

/**
 * Reads a video (any container and codec FFmpeg knows: MP4/H.264, WebM/VP9, ...) back into a {@link
 * Clip}, for tests and the evaluator. Meant for videos this service made, not for untrusted uploads: it
 * keeps every frame in memory, up to {@code maxFrames}.
 *
 * <p>Safe for concurrent use: each call opens and closes its own FFmpeg grabber.
 */
@Component
public class VideoDecoder {

  /** Frames decoded at most by default (10 s at 24 fps is 240). */
  public static final int DEFAULT_MAX_FRAMES = 2_000;

  private final int maxFrames;

  public VideoDecoder() {
    this(DEFAULT_MAX_FRAMES);
  }

  /** A decoder that refuses videos of more than {@code maxFrames} frames. */
  public VideoDecoder(int maxFrames) {
    if (maxFrames < 1) {
      throw new IllegalArgumentException("maxFrames must be positive, was " + maxFrames);
    }
    this.maxFrames = maxFrames;
  }

  /** Decodes a video file. */
  public DecodedVideo decode(Path file) {
    return decode(new FFmpegFrameGrabber(file.toAbsolutePath().toString()), file.toString());
  }

  /** Decodes a video held in memory. */
  public DecodedVideo decode(byte[] video) {
    return decode(new FFmpegFrameGrabber(new ByteArrayInputStream(video)), video.length + " bytes");
  }

  private DecodedVideo decode(FFmpegFrameGrabber grabber, String source) {
    Frames.init();
    try (grabber) {
      grabber.setCloseInputStream(true);
      grabber.setImageMode(org.bytedeco.javacv.FrameGrabber.ImageMode.COLOR);
      grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
      grabber.setImageScalingFlags(Frames.SCALING_FLAGS);
      grabber.start();
      int streamIndex = grabber.getVideoStream();
      if (streamIndex < 0) {
        throw new UncheckedIOException(new IOException("no video stream in " + source));
      }
      AVStream stream = grabber.getFormatContext().streams(streamIndex);
      AVCodecParameters parameters = stream.codecpar();
      String codec = name(avcodec.avcodec_get_name(parameters.codec_id()));
      String pixelFormat = name(avutil.av_get_pix_fmt_name(parameters.format()));
      String container = grabber.getFormat();
      int width = parameters.width();
      int height = parameters.height();
      double fps = grabber.getFrameRate();
      List<BufferedImage> frames = new ArrayList<>();
      Frame frame;
      while ((frame = grabber.grabImage()) != null) {
        if (frames.size() == maxFrames) {
          throw new UncheckedIOException(
              new IOException(source + " has more than " + maxFrames + " frames"));
        }
        frames.add(Frames.toImage(frame, 3));
      }
      if (frames.isEmpty()) {
        throw new UncheckedIOException(new IOException("no frame could be decoded from " + source));
      }
      VideoInfo info =
          new VideoInfo(container, codec, pixelFormat, width, height, fps, frames.size());
      int clipFps = (int) Math.max(1, Math.min(Clip.MAX_FPS, Math.round(fps)));
      return new DecodedVideo(new Clip(frames, clipFps), info);
    } catch (IOException e) { // FrameGrabber.Exception is an IOException
      throw new UncheckedIOException("cannot decode video (" + source + "): " + e.getMessage(), e);
    }
  }

  private static String name(BytePointer pointer) {
    return pointer == null || pointer.isNull() ? "unknown" : pointer.getString();
  }
}
