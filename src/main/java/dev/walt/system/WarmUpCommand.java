package dev.walt.system;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.util.Utils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avfilter;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swresample;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.Loader;

/**
 * {@code java -jar walt.jar warm-up [--allow-engine-failure]}: extracts and loads every native library
 * the service uses, so that an image built with it never extracts or downloads anything at start.
 *
 * <ul>
 *   <li>FFmpeg (JavaCPP) into {@code -Dorg.bytedeco.javacpp.cachedir}; checks that the H.264 and VP9
 *       encoders are there.
 *   <li>PyTorch (DJL) into {@code DJL_CACHE_DIR} (with {@code -Dai.djl.offline=true}: from the bundled
 *       native jar only); runs one tensor operation.
 * </ul>
 *
 * <p>With {@code --allow-engine-failure} (the CUDA image, built on a machine without a GPU driver) a
 * PyTorch library that extracts but does not load is accepted as long as the extracted libraries are in
 * the cache. Exit status 0 when everything is in place, 1 otherwise.
 */
public final class WarmUpCommand {

  private WarmUpCommand() {}

  /** Entry point of the {@code warm-up} command; returns the exit status. */
  public static int run(String[] args) {
    boolean allowEngineFailure = List.of(args).contains("--allow-engine-failure");
    boolean ok = ffmpeg();
    ok &= pytorch(allowEngineFailure);
    System.out.println("walt warm-up: " + (ok ? "done" : "FAILED"));
    return ok ? 0 : 1;
  }

  private static boolean ffmpeg() {
    try {
      for (Class<?> library :
          List.of(avutil.class, swresample.class, avcodec.class, avformat.class, swscale.class, avfilter.class)) {
        Loader.load(library);
      }
      boolean ok = true;
      for (String encoder : List.of("libx264", "libvpx-vp9", "mjpeg")) {
        boolean found = avcodec.avcodec_find_encoder_by_name(encoder) != null;
        System.out.println("walt warm-up: FFmpeg encoder " + encoder + (found ? " found" : " MISSING"));
        ok &= found;
      }
      System.out.println("walt warm-up: FFmpeg " + avutil.av_version_info().getString()
          + " loaded (java.library.path " + System.getProperty("java.library.path") + ")");
      return ok;
    } catch (RuntimeException | LinkageError e) {
      System.out.println("walt warm-up: FFmpeg FAILED: " + e);
      return false;
    }
  }

  private static boolean pytorch(boolean allowEngineFailure) {
    Path cache = Utils.getEngineCacheDir("pytorch");
    try {
      Engine engine = Engine.getEngine("PyTorch");
      try (NDManager manager = engine.newBaseManager()) {
        float sum = manager.arange(4f).sum().getFloat(); // 0 + 1 + 2 + 3
        if (sum != 6f) {
          System.out.println("walt warm-up: PyTorch computed 0+1+2+3 = " + sum);
          return false;
        }
      }
      System.out.println("walt warm-up: PyTorch " + engine.getVersion() + " on " + engine.defaultDevice()
          + ", natives in " + cache);
      return true;
    } catch (RuntimeException | LinkageError e) {
      long libraries = countLibraries(cache);
      System.out.println("walt warm-up: PyTorch did not load: " + e);
      System.out.println("walt warm-up: " + libraries + " PyTorch libraries extracted under " + cache);
      return allowEngineFailure && libraries > 0;
    }
  }

  private static long countLibraries(Path directory) {
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(f -> f.getFileName().toString().startsWith("libtorch")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
