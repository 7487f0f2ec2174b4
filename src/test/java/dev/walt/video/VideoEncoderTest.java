package dev.walt.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encodes the test pattern and reads every output back with the same FFmpeg build. */
class VideoEncoderTest {

  private final VideoEncoder encoder = new VideoEncoder(VideoSettings.defaults());
  private final VideoDecoder decoder = new VideoDecoder();

  @Test
  void mp4IsH264Yuv420pWithExactFramesSizeFpsAndPsnrAbove35dB() {
    Clip clip = TestMedia.movingPattern(256, 256, 48, 24);

    byte[] mp4 = encoder.encodeMp4(clip);
    DecodedVideo decoded = decoder.decode(mp4);

    assertThat(decoded.info())
        .isEqualTo(new VideoInfo("mov,mp4,m4a,3gp,3g2,mj2", "h264", "yuv420p", 256, 256, 24.0, 48));
    assertThat(decoded.clip().fps()).isEqualTo(24);
    assertFramesMatch(clip, decoded.clip(), 35.0);
  }

  @Test
  void unusualEvenSizeAndLowFpsAreKeptExactly() {
    Clip clip = TestMedia.movingPattern(130, 98, 17, 8);

    DecodedVideo decoded = decoder.decode(encoder.encodeMp4(clip));

    assertThat(decoded.info())
        .isEqualTo(new VideoInfo("mov,mp4,m4a,3gp,3g2,mj2", "h264", "yuv420p", 130, 98, 8.0, 17));
    assertFramesMatch(clip, decoded.clip(), 35.0);
  }

  @Test
  void oddSizeIsPaddedByOneRepeatedColumnAndRow() {
    Clip clip = TestMedia.movingPattern(129, 97, 20, 12);

    DecodedVideo decoded = decoder.decode(encoder.encodeMp4(clip));

    assertThat(decoded.info().width()).isEqualTo(130);
    assertThat(decoded.info().height()).isEqualTo(98);
    assertThat(decoded.info().frameCount()).isEqualTo(20);
    for (int t = 0; t < clip.frameCount(); t++) {
      BufferedImage source = clip.frames().get(t);
      BufferedImage copy = decoded.clip().frames().get(t);
      assertThat(TestMedia.psnr(source, copy, 129, 97)).as("frame %d", t).isGreaterThan(35.0);
      // the padding repeats the last column / row: compare it against them
      BufferedImage lastColumn = source.getSubimage(128, 0, 1, 97);
      BufferedImage padColumn = copy.getSubimage(129, 0, 1, 97);
      assertThat(TestMedia.psnr(lastColumn, padColumn)).as("frame %d column", t).isGreaterThan(30.0);
    }
  }

  @Test
  void moovAtomPrecedesMdatSoPlaybackCanStartEarly(@TempDir Path dir) throws IOException {
    Clip clip = TestMedia.movingPattern(64, 48, 10, 24);
    Path file = dir.resolve("out.mp4");

    encoder.encodeMp4(clip, file);
    ByteArrayOutputStream streamed = new ByteArrayOutputStream();
    encoder.encodeMp4(clip, streamed);

    for (byte[] mp4 : List.of(Files.readAllBytes(file), streamed.toByteArray(), encoder.encodeMp4(clip))) {
      List<String> atoms = topLevelAtoms(mp4);
      assertThat(atoms).contains("ftyp", "moov", "mdat");
      assertThat(atoms.indexOf("moov")).isLessThan(atoms.indexOf("mdat"));
      assertThat(decoder.decode(mp4).info().frameCount()).isEqualTo(10);
    }
    assertThat(decoder.decode(file).info().codec()).isEqualTo("h264");
  }

  @Test
  void thumbnailIsAJpegOfTheMiddleFrame() throws IOException {
    Clip clip = TestMedia.movingPattern(256, 256, 17, 24);

    byte[] jpeg = encoder.thumbnailJpeg(clip);

    assertThat(jpeg).startsWith(0xff, 0xd8, 0xff);
    BufferedImage poster = ImageIO.read(new ByteArrayInputStream(jpeg));
    assertThat(poster.getWidth()).isEqualTo(256);
    assertThat(poster.getHeight()).isEqualTo(256);
    double middle = TestMedia.psnr(clip.frames().get(8), poster);
    assertThat(middle).isGreaterThan(30.0);
    assertThat(middle).isGreaterThan(TestMedia.psnr(clip.frames().get(0), poster) + 3);
  }

  @Test
  void thumbnailIsShrunkToFitItsMaximumSide() throws IOException {
    VideoSettings small = TestMedia.settings("thumbnail-max-side", "64");
    Clip clip = TestMedia.movingPattern(130, 98, 5, 24);

    byte[] jpeg = new VideoEncoder(small).thumbnailJpeg(clip);
    BufferedImage poster = ImageIO.read(new ByteArrayInputStream(jpeg));

    assertThat(poster.getWidth()).isEqualTo(64);
    assertThat(poster.getHeight()).isEqualTo(48); // 98 * 64 / 130 = 48.2
  }

  @Test
  void previewIsAShortSmallVp9WebM() {
    VideoSettings settings = TestMedia.settings("preview-max-side", "128", "preview-max-frames", "16");
    Clip clip = TestMedia.movingPattern(256, 192, 24, 12);

    byte[] webm = new VideoEncoder(settings).previewWebm(clip);

    assertThat(webm).startsWith(0x1a, 0x45, 0xdf, 0xa3); // EBML header
    DecodedVideo decoded = decoder.decode(webm);
    assertThat(decoded.info().codec()).isEqualTo("vp9");
    assertThat(decoded.info().container()).isEqualTo("matroska,webm");
    assertThat(decoded.info().pixelFormat()).isEqualTo("yuv420p");
    assertThat(decoded.info().width()).isEqualTo(128);
    assertThat(decoded.info().height()).isEqualTo(96);
    assertThat(decoded.info().frameCount()).isEqualTo(16);
    assertThat(decoded.info().fps()).isEqualTo(12.0);
    BufferedImage expected = Images.resizeAndCenterCrop(clip.frames().get(5), 128, 96);
    assertThat(TestMedia.psnr(expected, decoded.clip().frames().get(5))).isGreaterThan(28.0);
  }

  @Test
  void previewOfASmallClipKeepsItsSizeAndAllFrames() {
    Clip clip = TestMedia.movingPattern(96, 64, 17, 24);

    DecodedVideo decoded = decoder.decode(encoder.previewWebm(clip));

    assertThat(decoded.info().width()).isEqualTo(96);
    assertThat(decoded.info().height()).isEqualTo(64);
    assertThat(decoded.info().frameCount()).isEqualTo(17);
  }

  @Test
  void singleFrameClipEncodes() {
    Clip clip = TestMedia.movingPattern(128, 128, 1, 24);

    DecodedVideo decoded = decoder.decode(encoder.encodeMp4(clip));

    assertThat(decoded.info().frameCount()).isEqualTo(1);
    assertFramesMatch(clip, decoded.clip(), 35.0);
  }

  @Test
  void concurrentEncodesFromSeveralThreadsAreIndependent() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Clip> clips = new ArrayList<>();
      List<Future<byte[]>> mp4s = new ArrayList<>();
      List<Future<byte[]>> previews = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Clip clip = TestMedia.movingPattern(128 + 32 * (i % 4), 96 + 32 * (i / 4), 12 + i, 10 + i);
        clips.add(clip);
        mp4s.add(pool.submit(() -> encoder.encodeMp4(clip)));
        previews.add(pool.submit(() -> encoder.previewWebm(clip)));
      }
      for (int i = 0; i < clips.size(); i++) {
        Clip clip = clips.get(i);
        assertThat(decoder.decode(previews.get(i).get()).info().frameCount()).isEqualTo(clip.frameCount());
        DecodedVideo decoded = decoder.decode(mp4s.get(i).get());
        assertThat(decoded.info())
            .isEqualTo(
                new VideoInfo(
                    "mov,mp4,m4a,3gp,3g2,mj2",
                    "h264",
                    "yuv420p",
                    clip.width(),
                    clip.height(),
                    clip.fps(),
                    clip.frameCount()));
        assertFramesMatch(clip, decoded.clip(), 35.0);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void everyCallReleasesItsNativeMemory() throws IOException {
    Clip clip = TestMedia.movingPattern(96, 64, 6, 24);
    byte[] webp = TestMedia.webp(clip.frames().get(0), false, true);
    ImageDecoder images = new ImageDecoder(VideoSettings.defaults());
    Runnable everything =
        () -> {
          decoder.decode(encoder.encodeMp4(clip));
          decoder.decode(encoder.previewWebm(clip));
          images.decode(webp);
        };
    everything.run(); // first use may set up lasting native state

    long bytes = org.bytedeco.javacpp.Pointer.totalBytes();
    long count = org.bytedeco.javacpp.Pointer.totalCount();
    for (int i = 0; i < 5; i++) {
      everything.run();
    }

    // JavaCPP counts what it allocated and has not freed yet; with every frame, recorder and grabber
    // closed when its call returns, nothing is left for the garbage collector to find
    assertThat(org.bytedeco.javacpp.Pointer.totalBytes()).isEqualTo(bytes);
    assertThat(org.bytedeco.javacpp.Pointer.totalCount()).isEqualTo(count);
  }

  @Test
  void aFailedEncodeLeavesNoFileBehind(@TempDir Path dir) {
    Path target = dir.resolve("missing-folder").resolve("out.mp4");

    assertThatThrownBy(() -> encoder.encodeMp4(TestMedia.movingPattern(32, 32, 2, 24), target))
        .isInstanceOf(UncheckedIOException.class);
    assertThat(target).doesNotExist();
  }

  @Test
  void garbageIsNotAVideo() {
    byte[] garbage = "this is not a video at all".getBytes(StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> decoder.decode(garbage)).isInstanceOf(UncheckedIOException.class);
  }

  private static void assertFramesMatch(Clip expected, Clip actual, double minPsnr) {
    assertThat(actual.frameCount()).isEqualTo(expected.frameCount());
    for (int t = 0; t < expected.frameCount(); t++) {
      assertThat(TestMedia.psnr(expected.frames().get(t), actual.frames().get(t)))
          .as("PSNR of frame %d", t)
          .isGreaterThanOrEqualTo(minPsnr);
    }
  }

  /** The four-character types of the top-level boxes of an ISO BMFF file, in order. */
  static List<String> topLevelAtoms(byte[] file) {
    List<String> atoms = new ArrayList<>();
    ByteBuffer buffer = ByteBuffer.wrap(file);
    long pos = 0;
    while (pos + 8 <= file.length) {
      long size = Integer.toUnsignedLong(buffer.getInt((int) pos));
      String type = new String(file, (int) pos + 4, 4, StandardCharsets.ISO_8859_1);
      if (size == 1) {
        size = buffer.getLong((int) pos + 8);
      } else if (size == 0) {
        size = file.length - pos;
      }
      assertThat(size).as("size of box %s", type).isGreaterThanOrEqualTo(8);
      atoms.add(type);
      pos += size;
    }
    assertThat(pos).as("boxes end exactly at the end of the file").isEqualTo(file.length);
    return atoms;
  }
}
