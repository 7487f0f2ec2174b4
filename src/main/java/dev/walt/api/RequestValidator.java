package dev.walt.api;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.walt.webhooks.InvalidWebhookUrlException;
import dev.walt.webhooks.WebhookUrlValidator;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Checks a read request against the {@link GenerationLimits} and the API's bounds, resolving defaults
 * (frames from seconds, a random seed when none was given). All invalid fields are reported at once.
 */
@Component
class RequestValidator {

  /** Largest seed: 2^53 - 1, exact in every JSON implementation. */
  static final long MAX_SEED = (1L << 53) - 1;
  private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");

  /** Where the input image comes from. */
  sealed interface ImageSource permits Inline, Remote {}

  record Inline(byte[] bytes) implements ImageSource {}

  record Remote(URI url) implements ImageSource {}

  /** A valid request with every default resolved. */
  record Valid(
      String prompt,
      @Nullable String negativePrompt,
      int frames,
      int width,
      int height,
      int fps,
      long seed,
      int steps,
      float guidanceScale,
      @Nullable ImageSource image,
      @Nullable String webhookUrl,
      Map<String, String> metadata) {}

  private final GenerationLimits limits;
  private final ApiSettings settings;
  private final InputImages images;
  private final WebhookUrlValidator webhooks;

  RequestValidator(GenerationLimits limits, ApiSettings settings, InputImages images, WebhookUrlValidator webhooks) {
    this.limits = limits;
    this.settings = settings;
    this.images = images;
    this.webhooks = webhooks;
  }

  Valid validate(RequestReader.Parsed parsed) {
    CreateVideoRequest r = parsed.fields();
    List<Problems.FieldError> errors = new ArrayList<>();

    String prompt = r.prompt() == null ? null : r.prompt().strip();
    if (prompt == null || prompt.isEmpty()) {
      errors.add(new Problems.FieldError("prompt", "is required"));
    } else if (prompt.length() > limits.maxPromptChars()) {
      errors.add(new Problems.FieldError("prompt", "must be at most " + limits.maxPromptChars() + " characters (has " + prompt.length() + ")"));
    }
    String negative = r.negativePrompt() == null || r.negativePrompt().isBlank() ? null : r.negativePrompt().strip();
    if (negative != null && negative.length() > limits.maxPromptChars()) {
      errors.add(new Problems.FieldError("negative_prompt", "must be at most " + limits.maxPromptChars() + " characters"));
    }

    // PostgreSQL text and jsonb cannot hold U+0000: refuse it here, not as a 500 at the INSERT
    // (found by the reliability fuzz suite)
    if (hasNul(r.prompt()) || hasNul(r.negativePrompt()) || hasNul(r.webhookUrl()) || hasNul(r.size())
        || (r.metadata() != null && r.metadata().entrySet().stream().anyMatch(e -> hasNul(e.getKey()) || hasNul(e.getValue())))) {
      throw Problems.invalid(List.of(new Problems.FieldError("body", "text must not contain the NUL character (U+0000)")));
    }

    int fps = limits.defaultFps();
    if (r.fps() != null) {
      fps = r.fps();
      if (fps < limits.minFps() || fps > limits.maxFps()) {
        errors.add(range("fps", limits.minFps(), limits.maxFps()));
      }
    }
    int frames = limits.defaultFrames();
    if (r.frames() != null && r.seconds() != null) {
      errors.add(new Problems.FieldError("seconds", "give frames or seconds, not both"));
    } else if (r.frames() != null) {
      frames = r.frames();
      if (frames < limits.minFrames() || frames > limits.maxFrames()) {
        errors.add(range("frames", limits.minFrames(), limits.maxFrames()));
      } else if (!limits.allowedFrames().isEmpty() && !limits.allowedFrames().contains(frames)) {
        errors.add(new Problems.FieldError("frames", "must be one of " + limits.allowedFrames() + " (what the model generates)"));
      }
    } else if (r.seconds() != null) {
      double seconds = r.seconds();
      double minSeconds = (double) limits.minFrames() / fps;
      double maxSeconds = (double) limits.maxFrames() / fps;
      long computed = Math.round(seconds * fps);
      if (!(seconds > 0) || computed < limits.minFrames() || computed > limits.maxFrames()) {
        errors.add(new Problems.FieldError("seconds", String.format(java.util.Locale.ROOT,
            "must be between %.3f and %.3f at %d fps", minSeconds, maxSeconds, fps)));
      } else if (!limits.allowedFrames().isEmpty() && !limits.allowedFrames().contains((int) computed)) {
        errors.add(new Problems.FieldError("seconds", "must give one of " + limits.allowedFrames() + " frames at " + fps + " fps"));
      } else {
        frames = (int) computed;
      }
    }

    int width = limits.defaultWidth();
    int height = limits.defaultHeight();
    if (r.size() != null) {
      Matcher m = SIZE.matcher(r.size().strip());
      if (!m.matches()) {
        errors.add(new Problems.FieldError("size", "must be WIDTHxHEIGHT in pixels, e.g. " + limits.defaultWidth() + "x" + limits.defaultHeight()));
      } else {
        width = Integer.parseInt(m.group(1));
        height = Integer.parseInt(m.group(2));
        if (width < limits.minSide() || width > limits.maxSide() || height < limits.minSide() || height > limits.maxSide()
            || width % limits.sideMultiple() != 0 || height % limits.sideMultiple() != 0) {
          errors.add(new Problems.FieldError("size", "width and height must be between " + limits.minSide() + " and "
              + limits.maxSide() + " and multiples of " + limits.sideMultiple()));
        } else if (!limits.allowedSizes().isEmpty() && !limits.allowedSizes().contains(width + "x" + height)) {
          errors.add(new Problems.FieldError("size", "must be one of " + String.join(", ", limits.allowedSizes()) + " (what the model generates)"));
        }
      }
    }

    int steps = limits.defaultSteps();
    if (r.steps() != null) {
      steps = r.steps();
      if (steps < limits.minSteps() || steps > limits.maxSteps()) {
        errors.add(range("steps", limits.minSteps(), limits.maxSteps()));
      }
    }
    double guidance = limits.defaultGuidanceScale();
    if (r.guidanceScale() != null) {
      guidance = r.guidanceScale();
      if (guidance < limits.minGuidanceScale() || guidance > limits.maxGuidanceScale()) {
        errors.add(new Problems.FieldError("guidance_scale",
            "must be between " + limits.minGuidanceScale() + " and " + limits.maxGuidanceScale()));
      }
    }
    long seed;
    if (r.seed() != null) {
      seed = r.seed();
      if (seed < 0 || seed > MAX_SEED) {
        errors.add(new Problems.FieldError("seed", "must be between 0 and " + MAX_SEED));
      }
    } else {
      seed = ThreadLocalRandom.current().nextLong(MAX_SEED + 1);
    }

    String webhook = r.webhookUrl() == null || r.webhookUrl().isBlank() ? null : r.webhookUrl().strip();
    if (webhook != null) {
      try {
        webhooks.validate(webhook); // the policy the dispatcher applies (https, public addresses unless configured)
      } catch (InvalidWebhookUrlException e) {
        errors.add(new Problems.FieldError("webhook_url", e.getMessage() == null ? "is not a valid webhook URL" : e.getMessage()));
      }
    }

    Map<String, String> metadata = new LinkedHashMap<>();
    if (r.metadata() != null) {
      ApiSettings.Metadata bounds = settings.metadata();
      if (r.metadata().size() > bounds.maxPairs()) {
        errors.add(new Problems.FieldError("metadata", "must have at most " + bounds.maxPairs() + " pairs"));
      } else {
        r.metadata().forEach((k, v) -> {
          if (k.isEmpty() || k.length() > bounds.maxKeyChars()) {
            errors.add(new Problems.FieldError("metadata", "keys must have 1 to " + bounds.maxKeyChars() + " characters"));
          } else if (v.length() > bounds.maxValueChars()) {
            errors.add(new Problems.FieldError("metadata." + k, "must be at most " + bounds.maxValueChars() + " characters"));
          } else {
            metadata.put(k, v);
          }
        });
      }
    }

    ImageSource image = null;
    if (parsed.file() != null) {
      if (parsed.file().bytes().length == 0) {
        errors.add(new Problems.FieldError("image", "is empty"));
      } else if (parsed.file().bytes().length > images.maxBytes()) {
        throw Problems.problem(org.springframework.http.HttpStatus.CONTENT_TOO_LARGE, "image-too-large",
            "Image too large", "the image is larger than " + images.maxBytes() + " bytes");
      } else {
        image = new Inline(parsed.file().bytes());
      }
    } else if (r.image() != null && !r.image().isBlank()) {
      String text = r.image().strip();
      if (text.regionMatches(true, 0, "https://", 0, 8) || text.regionMatches(true, 0, "http://", 0, 7)) {
        var refused = PublicAddresses.refuseUrl(text);
        if (refused.isPresent()) {
          errors.add(new Problems.FieldError("image", refused.get()));
        } else {
          image = new Remote(URI.create(text));
        }
      } else if (errors.isEmpty()) {
        image = new Inline(images.decodeBase64(text)); // 400 or 413 on its own
      } else {
        try {
          image = new Inline(images.decodeBase64(text));
        } catch (org.springframework.web.ErrorResponseException e) {
          if (e.getStatusCode().value() == 400) {
            errors.add(new Problems.FieldError("image", e.getBody().getDetail() == null ? "is invalid" : e.getBody().getDetail().replaceFirst("^image: ", "")));
          } else {
            throw e;
          }
        }
      }
    }

    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return new Valid(prompt, negative, frames, width, height, fps, seed, steps, (float) guidance, image, webhook, metadata);
  }

  private static boolean hasNul(@Nullable String s) {
    return s != null && s.indexOf('\u0000') >= 0;
  }

  private static Problems.FieldError range(String field, long min, long max) {
    return new Problems.FieldError(field, "must be between " + min + " and " + max);
  }
}
