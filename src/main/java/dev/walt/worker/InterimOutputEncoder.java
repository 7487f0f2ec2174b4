package dev.walt.worker;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.springframework.stereotype.Component;

/**
 * TODO(video): replace with {@code dev.walt.video.VideoEncoder} once it is in main (MP4 + poster +
 * WebM preview with the project's encoder settings). Until then: a plain H.264/yuv420p MP4 with
 * faststart through JavaCV, a JPEG of the middle frame as thumbnail, no preview.
 */
@Component
class InterimOutputEncoder implements OutputEncoder {

  @Override
  public EncodedVideo encode(GeneratedVideo video) throws Exception {
    BufferedImage first = video.frames().get(0);
    int width = first.getWidth() + (first.getWidth() & 1);
    int height = first.getHeight() + (first.getHeight() & 1);
    Path file = Files.createTempFile("walt-", ".mp4");
    try {
      try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height);
          Java2DFrameConverter converter = new Java2DFrameConverter()) {
        recorder.setFormat("mp4");
        recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
        recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(video.fps());
        recorder.setVideoOption("movflags", "+faststart");
        recorder.start();
        for (BufferedImage frame : video.frames()) {
          recorder.record(converter.convert(even(frame, width, height)), avutil.AV_PIX_FMT_BGR24);
        }
        recorder.stop();
      }
      byte[] mp4 = Files.readAllBytes(file);
      ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
      BufferedImage middle = rgb(video.frames().get(video.frames().size() / 2));
      ImageIO.write(middle, "jpg", jpeg);
      return new EncodedVideo(mp4, jpeg.toByteArray(), null, "preview.webm", "video/webm");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static BufferedImage even(BufferedImage frame, int width, int height) {
    if (frame.getType() == BufferedImage.TYPE_3BYTE_BGR
        && frame.getWidth() == width && frame.getHeight() == height) {
      return frame;
    }
    BufferedImage copy = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    var g = copy.createGraphics();
    g.drawImage(frame, 0, 0, width, height, null);
    g.dispose();
    return copy;
  }

  private static BufferedImage rgb(BufferedImage frame) {
    BufferedImage copy = new BufferedImage(frame.getWidth(), frame.getHeight(), BufferedImage.TYPE_INT_RGB);
    var g = copy.createGraphics();
    g.drawImage(frame, 0, 0, null);
    g.dispose();
    return copy;
  }
}
