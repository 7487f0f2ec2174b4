package dev.walt.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the body of {@code POST /v1/videos} (JSON or multipart) into a {@link CreateVideoRequest},
 * checking types and rejecting unknown fields with per-field messages, and computes the request's
 * fingerprint for {@code Idempotency-Key}: a SHA-256 over the fields in canonical form (sorted names,
 * normalised values, the image's bytes hashed), so key order and whitespace do not matter.
 */
@Component
class RequestReader {

  static final Set<String> FIELDS = Set.of("prompt", "image", "negative_prompt", "frames", "seconds", "size", "fps",
      "seed", "steps", "guidance_scale", "webhook_url", "metadata");

  /** An uploaded image file part. */
  record UploadedImage(byte[] bytes, @Nullable String contentType) {}

  /** A request read but not yet validated. */
  record Parsed(CreateVideoRequest fields, @Nullable UploadedImage file) {

    /** The request's fingerprint, for Idempotency-Key only: computed when asked (a SHA-256 over every field). */
    byte[] fingerprint() {
      return RequestReader.fingerprint(fields, file);
    }
  }

  private final JsonMapper strict = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final ApiSettings settings;

  RequestReader(ApiSettings settings) {
    this.settings = settings;
  }

  Parsed readJson(InputStream body, long contentLength) {
    long max = settings.maxRequestSize().toBytes();
    if (contentLength > max) {
      throw Problems.tooLarge("the request body is larger than " + max + " bytes");
    }
    byte[] bytes = readBounded(body, max);
    JsonNode root;
    try {
      root = strict.readTree(bytes);
    } catch (JacksonException e) {
      throw Problems.malformed("the request body is not valid JSON"
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw Problems.malformed("the request body is empty; send a JSON object");
    }
    if (!root.isObject()) {
      throw Problems.malformed("the request body must be a JSON object");
    }
    List<Problems.FieldError> errors = new ArrayList<>();
    Map<String, JsonNode> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!FIELDS.contains(e.getKey())) {
        errors.add(new Problems.FieldError(e.getKey(), "unknown field"));
      } else if (!e.getValue().isNull()) {
        values.put(e.getKey(), e.getValue());
      }
    }
    CreateVideoRequest fields = new CreateVideoRequest(
        jsonString(values, "prompt", errors),
        jsonString(values, "image", errors),
        jsonString(values, "negative_prompt", errors),
        jsonInt(values, "frames", errors),
        jsonDouble(values, "seconds", errors),
        jsonString(values, "size", errors),
        jsonInt(values, "fps", errors),
        jsonLong(values, "seed", errors),
        jsonInt(values, "steps", errors),
        jsonDouble(values, "guidance_scale", errors),
        jsonString(values, "webhook_url", errors),
        jsonMetadata(values.get("metadata"), errors));
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return new Parsed(fields, null);
  }

  Parsed readMultipart(MultipartHttpServletRequest request) {
    List<Problems.FieldError> errors = new ArrayList<>();
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, String[]> e : request.getParameterMap().entrySet()) {
      String name = e.getKey();
      if (!FIELDS.contains(name)) {
        errors.add(new Problems.FieldError(name, "unknown field"));
      } else if (e.getValue().length != 1) {
        errors.add(new Problems.FieldError(name, "must be given once"));
      } else {
        values.put(name, e.getValue()[0]);
      }
    }
    UploadedImage file = null;
    for (Map.Entry<String, List<MultipartFile>> e : request.getMultiFileMap().entrySet()) {
      if (!e.getKey().equals("image")) {
        errors.add(new Problems.FieldError(e.getKey(), "unknown file part (the only file part is image)"));
      } else if (e.getValue().size() != 1) {
        errors.add(new Problems.FieldError("image", "must be given once"));
      } else if (values.containsKey("image")) {
        errors.add(new Problems.FieldError("image", "give the image as a file part or as a text field, not both"));
      } else {
        MultipartFile part = e.getValue().get(0);
        try {
          file = new UploadedImage(part.getBytes(), part.getContentType());
        } catch (IOException ex) {
          throw Problems.malformed("the image part cannot be read");
        }
      }
    }
    CreateVideoRequest fields = new CreateVideoRequest(
        values.get("prompt"),
        values.get("image"),
        values.get("negative_prompt"),
        formInt(values, "frames", errors),
        formDouble(values, "seconds", errors),
        values.get("size"),
        formInt(values, "fps", errors),
        formLong(values, "seed", errors),
        formInt(values, "steps", errors),
        formDouble(values, "guidance_scale", errors),
        values.get("webhook_url"),
        formMetadata(values.get("metadata"), errors));
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return new Parsed(fields, file);
  }

  private static byte[] readBounded(InputStream in, long max) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[16384];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        if (total > max) {
          throw Problems.tooLarge("the request body is larger than " + max + " bytes");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw Problems.malformed("the request body cannot be read");
    }
  }

  // --- JSON values: the JSON type must match (no coercion from strings or floats)

  private static @Nullable String jsonString(Map<String, JsonNode> values, String name, List<Problems.FieldError> errors) {
    JsonNode node = values.get(name);
    if (node == null) {
      return null;
    }
    if (!node.isString()) {
      errors.add(new Problems.FieldError(name, "must be a string"));
      return null;
    }
    return node.stringValue();
  }

  private static @Nullable Integer jsonInt(Map<String, JsonNode> values, String name, List<Problems.FieldError> errors) {
    Long value = jsonLong(values, name, errors);
    if (value == null) {
      return null;
    }
    if (value != value.intValue()) {
      errors.add(new Problems.FieldError(name, "is out of range"));
      return null;
    }
    return value.intValue();
  }

  private static @Nullable Long jsonLong(Map<String, JsonNode> values, String name, List<Problems.FieldError> errors) {
    JsonNode node = values.get(name);
    if (node == null) {
      return null;
    }
    if (!node.isIntegralNumber()) {
      errors.add(new Problems.FieldError(name, "must be an integer"));
      return null;
    }
    if (!node.canConvertToLong()) {
      errors.add(new Problems.FieldError(name, "is out of range"));
      return null;
    }
    return node.longValue();
  }

  private static @Nullable Double jsonDouble(Map<String, JsonNode> values, String name, List<Problems.FieldError> errors) {
    JsonNode node = values.get(name);
    if (node == null) {
      return null;
    }
    if (!node.isNumber()) {
      errors.add(new Problems.FieldError(name, "must be a number"));
      return null;
    }
    double value = node.doubleValue();
    if (!Double.isFinite(value)) {
      errors.add(new Problems.FieldError(name, "is out of range"));
      return null;
    }
    return value;
  }

  private static @Nullable Map<String, String> jsonMetadata(@Nullable JsonNode node, List<Problems.FieldError> errors) {
    if (node == null) {
      return null;
    }
    if (!node.isObject()) {
      errors.add(new Problems.FieldError("metadata", "must be an object of string values"));
      return null;
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isString()) {
        errors.add(new Problems.FieldError("metadata." + e.getKey(), "must be a string"));
      } else {
        metadata.put(e.getKey(), e.getValue().stringValue());
      }
    }
    return metadata;
  }

  // --- form values: text that must parse

  private static @Nullable Integer formInt(Map<String, String> values, String name, List<Problems.FieldError> errors) {
    Long value = formLong(values, name, errors);
    if (value == null) {
      return null;
    }
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      errors.add(new Problems.FieldError(name, "is out of range"));
      return null;
    }
    return value.intValue();
  }

  private static @Nullable Long formLong(Map<String, String> values, String name, List<Problems.FieldError> errors) {
    String text = values.get(name);
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.strip();
    if (!t.matches("-?\\d+")) {
      errors.add(new Problems.FieldError(name, "must be an integer"));
      return null;
    }
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      errors.add(new Problems.FieldError(name, "is out of range"));
      return null;
    }
  }

  private static @Nullable Double formDouble(Map<String, String> values, String name, List<Problems.FieldError> errors) {
    String text = values.get(name);
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.strip();
    if (!t.matches("-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?")) {
      errors.add(new Problems.FieldError(name, "must be a number"));
      return null;
    }
    double value = Double.parseDouble(t);
    if (!Double.isFinite(value)) {
      errors.add(new Problems.FieldError(name, "is out of range"));
      return null;
    }
    return value;
  }

  private @Nullable Map<String, String> formMetadata(@Nullable String text, List<Problems.FieldError> errors) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return jsonMetadata(strict.readTree(text), errors);
    } catch (JacksonException e) {
      errors.add(new Problems.FieldError("metadata", "must be a JSON object of string values"));
      return null;
    }
  }

  // --- the fingerprint

  static byte[] fingerprint(CreateVideoRequest f, @Nullable UploadedImage file) {
    Map<String, String> canonical = new TreeMap<>();
    put(canonical, "prompt", f.prompt());
    put(canonical, "image", f.image() == null ? null : "text:" + sha256Hex(f.image().getBytes(StandardCharsets.UTF_8)));
    if (file != null) {
      canonical.put("image", "file:" + sha256Hex(file.bytes()));
    }
    put(canonical, "negative_prompt", f.negativePrompt());
    put(canonical, "frames", f.frames());
    put(canonical, "seconds", f.seconds());
    put(canonical, "size", f.size());
    put(canonical, "fps", f.fps());
    put(canonical, "seed", f.seed());
    put(canonical, "steps", f.steps());
    put(canonical, "guidance_scale", f.guidanceScale());
    put(canonical, "webhook_url", f.webhookUrl());
    if (f.metadata() != null) {
      new TreeMap<>(f.metadata()).forEach((k, v) -> canonical.put("metadata." + k, v));
    }
    MessageDigest sha = sha256();
    sha.update("POST /v1/videos\n".getBytes(StandardCharsets.UTF_8));
    canonical.forEach((k, v) -> {
      byte[] key = k.getBytes(StandardCharsets.UTF_8);
      byte[] value = v.getBytes(StandardCharsets.UTF_8);
      sha.update((key.length + ":").getBytes(StandardCharsets.UTF_8));
      sha.update(key);
      sha.update((value.length + ":").getBytes(StandardCharsets.UTF_8));
      sha.update(value);
    });
    return sha.digest();
  }

  private static void put(Map<String, String> canonical, String name, @Nullable Object value) {
    if (value != null) {
      canonical.put(name, value instanceof Double d ? Double.toString(d) : value.toString());
    }
  }

  private static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
