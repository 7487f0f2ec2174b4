package dev.walt.worker.walt;

import dev.walt.model.WaltConfig;
import dev.walt.model.pipeline.CascadeBench;
import dev.walt.model.pipeline.GenerateCommand;
import dev.walt.model.pipeline.GenerationSpec;
import dev.walt.model.pipeline.WaltPipeline;
import dev.walt.testing.TestServices;
import dev.walt.video.Clip;
import dev.walt.video.VideoEncoder;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Seconds per video per stage of a worker's job at the model's default size and steps (benchmark, not a
 * test): base, SR 1, SR 2 and the autoencoder decode (timed from the pipeline's progress), then the
 * encoding the worker does (MP4, thumbnail, WebM preview) and the upload of the three objects to an S3
 * server (the tests' S3: an in-process s3proxy unless {@code WALT_TEST_S3_*} names one) with the MinIO
 * SDK the service uses; beside each model stage its analytic GFLOPs ({@link CascadeBench#flops}).
 * Medians over the runs after one warm-up job. The worker's live previews (a WebM of the base stage's
 * estimate every 2 s) are not part of this measurement.
 *
 * <pre>
 * ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -cp target/test-classes:target/classes:$(cat target/classpath.txt) \
 *     dev.walt.worker.walt.JobStagesBench [runs=5] [model=classpath:models/walt-tiny/]
 * </pre>
 *
 * {@code -Dbench.heapBlocksUpTo=0} measures with glibc's own mmap threshold instead of the worker's
 * default ({@code walt.worker.native-memory.heap-blocks-up-to}, 1GB).
 */
public final class JobStagesBench {

  private JobStagesBench() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String location = args.length > 1 ? args[1] : ModelSettings.BUNDLED;
    ModelSettings settings = new ModelSettings(location, ModelSettings.DeviceChoice.CPU, false, 42, 1);
    var nativeMemory = new NativeMemorySettings(true,
        org.springframework.util.unit.DataSize.parse(System.getProperty("bench.heapBlocksUpTo", "1GB")));
    var factory = new WaltGeneratorFactory(settings, nativeMemory, ModelFolder.open(location),
        DeviceDiscovery.devices(settings.device(), 1));
    try (WaltVideoGenerator generator = factory.create(0)) {
      WaltPipeline pipeline = generator.pipeline();
      WaltConfig config = pipeline.model().config();
      TestServices.S3 s3 = TestServices.s3();
      String bucket = TestServices.newBucket();
      MinioClient client = MinioClient.builder().endpoint(s3.endpoint().toString())
          .credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).build();
      VideoEncoder encoder = new VideoEncoder();
      Map<String, List<Double>> seconds = new LinkedHashMap<>();
      long[] bytes = new long[3];
      for (int run = -1; run < runs; run++) {
        GenerateCommand.StageTimer timer = new GenerateCommand.StageTimer();
        Clip clip = pipeline.generate(
            GenerationSpec.text("a red circle moving left on a black background", config.frames(), 100 + run), timer,
            () -> false);
        long t0 = System.nanoTime();
        byte[][] files = {encoder.encodeMp4(clip), encoder.thumbnailJpeg(clip), encoder.previewWebm(clip)};
        long t1 = System.nanoTime();
        String[] names = {"video.mp4", "thumbnail.jpg", "preview.webm"};
        String[] types = {VideoEncoder.MP4_CONTENT_TYPE, VideoEncoder.THUMBNAIL_CONTENT_TYPE, VideoEncoder.PREVIEW_CONTENT_TYPE};
        for (int f = 0; f < files.length; f++) {
          client.putObject(PutObjectArgs.builder().bucket(bucket).object("bench/" + run + "/1/" + names[f])
              .stream(new ByteArrayInputStream(files[f]), (long) files[f].length, -1L).contentType(types[f]).build());
          bytes[f] = files[f].length;
        }
        long t2 = System.nanoTime();
        if (run >= 0) {
          timer.seconds().forEach((stage, s) -> seconds.computeIfAbsent(stage, k -> new ArrayList<>()).add(s));
          seconds.computeIfAbsent("encode", k -> new ArrayList<>()).add((t1 - t0) / 1e9);
          seconds.computeIfAbsent("upload", k -> new ArrayList<>()).add((t2 - t1) / 1e9);
        }
      }
      Map<String, double[]> flops = CascadeBench.flops(config);
      System.out.printf(Locale.ROOT, "# %s, %d frames %dx%d, default steps, %d runs (median), PyTorch threads %s,"
              + " heap blocks up to %s, %s%n",
          config.name(), config.frames(), config.last().width(), config.last().height(), runs,
          System.getProperty("ai.djl.pytorch.num_threads", "default"), nativeMemory.heapBlocksUpTo(),
          dev.walt.bench.BenchSupport.machine());
      System.out.println("| stage | GFLOP | seconds | GFLOP/s | share |");
      System.out.println("|---|---:|---:|---:|---:|");
      double total = 0;
      for (List<Double> s : seconds.values()) {
        total += median(s);
      }
      for (Map.Entry<String, List<Double>> e : seconds.entrySet()) {
        double s = median(e.getValue());
        double[] f = flops.get(e.getKey());
        System.out.printf(Locale.ROOT, "| %s | %s | %.3f | %s | %.1f%% |%n", e.getKey(),
            f == null ? "-" : String.format(Locale.ROOT, "%.1f", f[0]), s,
            f == null ? "-" : String.format(Locale.ROOT, "%.1f", f[0] / s), 100 * s / total);
      }
      System.out.printf(Locale.ROOT, "| total | | %.3f | | |%n", total);
      System.out.printf(Locale.ROOT, "# objects: video.mp4 %,d B, thumbnail.jpg %,d B, preview.webm %,d B; S3 %s (%s)%n",
          bytes[0], bytes[1], bytes[2], s3.endpoint(), s3.source());
    }
    System.exit(0);
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
