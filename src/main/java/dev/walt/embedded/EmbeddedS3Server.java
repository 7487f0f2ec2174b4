package dev.walt.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Properties;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-compatible server (s3proxy) in this JVM, on 127.0.0.1 only, storing objects as files under a
 * folder. Its access key and secret are generated at the first start and kept, readable by the owner
 * only, in a properties file next to the data.
 */
final class EmbeddedS3Server implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedS3Server.class);
  private static final String ACCESS_KEY = "access-key";
  private static final String SECRET_KEY = "secret-key";

  private final S3Proxy proxy;
  private final URI endpoint;
  private final Credentials credentials;

  /** Access key and secret key of the embedded server. */
  record Credentials(String accessKey, String secretKey) {
    @Override
    public String toString() {
      return "Credentials[" + accessKey + ", secret hidden]";
    }
  }

  private EmbeddedS3Server(S3Proxy proxy, URI endpoint, Credentials credentials) {
    this.proxy = proxy;
    this.endpoint = endpoint;
    this.credentials = credentials;
  }

  /** Starts the server on {@code blobRoot} with the credentials in {@code credentialsFile}; port 0 = free port. */
  static EmbeddedS3Server start(Path blobRoot, Path credentialsFile, int port) {
    Path root = blobRoot.toAbsolutePath().normalize();
    try {
      Files.createDirectories(root);
      Credentials credentials = loadOrCreateCredentials(credentialsFile);
      S3Proxy proxy =
          S3Proxy.builder()
              .blobStore(new FilesystemNio2BlobStore(root.toString()))
              .endpoint(URI.create("http://127.0.0.1:" + port))
              .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, credentials.accessKey(), credentials.secretKey())
              .build();
      proxy.start();
      awaitStarted(proxy);
      URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
      log.info("embedded S3 server started on {} with data in {}", endpoint, root);
      return new EmbeddedS3Server(proxy, endpoint, credentials);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded S3 server with data in " + root, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start embedded S3 server with data in " + root, e);
    }
  }

  private static void awaitStarted(S3Proxy proxy) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("s3proxy did not start within 30 s (state " + proxy.getState() + ")");
      }
      Thread.sleep(10);
    }
  }

  /**
   * Reads the credentials file, or creates it with fresh random keys and owner-only permissions
   * ({@code rw-------}) where the file system supports POSIX permissions.
   */
  static Credentials loadOrCreateCredentials(Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      }
      String access = p.getProperty(ACCESS_KEY, "");
      String secret = p.getProperty(SECRET_KEY, "");
      if (access.isBlank() || secret.isBlank()) {
        throw new IllegalStateException(
            "embedded S3 credentials file " + file + " lacks " + ACCESS_KEY + " or " + SECRET_KEY);
      }
      return new Credentials(access.trim(), secret.trim());
    }
    SecureRandom random = new SecureRandom();
    Credentials credentials = new Credentials("walt" + hex(random, 8), hex(random, 24));
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // Written to a private temporary file, then linked into place: the link fails if another process
    // got there first (then its keys are used), and nobody ever reads a half-written file.
    Path tmp =
        Files.getFileStore(dir).supportsFileAttributeView("posix")
            ? Files.createTempFile(dir, ".s3-credentials", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.createTempFile(dir, ".s3-credentials", ".tmp");
    try {
      Properties p = new Properties();
      p.setProperty(ACCESS_KEY, credentials.accessKey());
      p.setProperty(SECRET_KEY, credentials.secretKey());
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.TRUNCATE_EXISTING)) {
        p.store(out, "walt embedded S3 server credentials (generated at first start; keep private)");
      }
      try {
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException e) {
        return loadOrCreateCredentials(file);
      } catch (UnsupportedOperationException e) {
        Files.move(tmp, file); // no hard links on this file system; fails if the file appeared meanwhile
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return credentials;
  }

  private static String hex(SecureRandom random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  URI endpoint() {
    return endpoint;
  }

  Credentials credentials() {
    return credentials;
  }

  @Override
  public void close() {
    try {
      proxy.stop();
      log.info("embedded S3 server stopped ({})", endpoint);
    } catch (Exception e) {
      log.warn("embedded S3 server did not stop cleanly ({})", endpoint, e);
    }
  }
}
