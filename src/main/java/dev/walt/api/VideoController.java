package dev.walt.api;

import dev.walt.auth.Caller;
import dev.walt.jobs.Job;
import dev.walt.jobs.JobStatus;
import dev.walt.jobs.VideoJobs;
import dev.walt.storage.ObjectStorage;
import dev.walt.system.ConditionalOnRole;
import dev.walt.system.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The video resource: {@code /v1/videos}. Every endpoint needs {@code Authorization: Bearer <api key>}. */
@RestController
@ConditionalOnRole(Role.API)
@RequestMapping("/v1/videos")
@Tag(name = "videos", description = "Create videos, follow them, download them")
@SecurityRequirement(name = "apiKey")
@ApiResponse(responseCode = "401", description = "missing, malformed, wrong or revoked API key (`WWW-Authenticate: Bearer`)",
    content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDoc.class)))
@ApiResponse(responseCode = "429", description = "over the key's requests per minute (`Retry-After`, `RateLimit-*` headers)",
    content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDoc.class)))
@ApiResponse(responseCode = "503", description = "the database cannot be reached (`Retry-After`)",
    content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDoc.class)))
class VideoController {

  private static final String PROBLEM = "application/problem+json";
  static final String REPLAYED_HEADER = "Idempotency-Replayed";

  private final VideoJobs jobs;
  private final VideoViews views;
  private final VideoCreation creation;
  private final RequestReader reader;
  private final VideoEventStreams events;
  private final ObjectStorage storage;
  private final ApiSettings settings;

  VideoController(VideoJobs jobs, VideoViews views, VideoCreation creation, RequestReader reader, VideoEventStreams events,
      ObjectStorage storage, ApiSettings settings) {
    this.jobs = jobs;
    this.views = views;
    this.creation = creation;
    this.reader = reader;
    this.events = events;
    this.storage = storage;
    this.settings = settings;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Create a video (JSON)", description = """
      Queues a video generation job and answers at once with `202 Accepted`, a `Location` header and the
      video object (status `queued`). Send `Idempotency-Key` to make retries safe: the same key with the same
      request returns the same video (header `Idempotency-Replayed: true`); the same key with another request
      is 422; keys are remembered for 24 hours (`walt.api.idempotency-ttl`).""",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
          content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = CreateVideoRequest.class))))
  @ApiResponse(responseCode = "202", description = "queued", headers = {
      @Header(name = "Location", description = "/v1/videos/{id}"),
      @Header(name = REPLAYED_HEADER, description = "true when an earlier request with the same Idempotency-Key created the video")})
  @ApiResponse(responseCode = "400", description = "malformed JSON (`malformed-request`) or invalid fields (`invalid-request`, with `errors`)",
      content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  @ApiResponse(responseCode = "409", description = "a request with the same Idempotency-Key is in progress (`idempotency-key-in-use`)",
      content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  @ApiResponse(responseCode = "413", description = "the body (15 MB) or the image (10 MB) is too large (`request-too-large`)",
      content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  @ApiResponse(responseCode = "415", description = "neither application/json nor multipart/form-data",
      content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  @ApiResponse(responseCode = "422", description = """
      the Idempotency-Key was used with another request (`idempotency-key-reused`), the image is not a PNG/JPEG
      of acceptable size (`invalid-image`), or the image URL cannot be fetched (`image-fetch-failed`)""",
      content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  ResponseEntity<VideoObject> createJson(@Parameter(hidden = true) Caller caller,
      @Parameter(description = "makes retries safe (1-255 visible ASCII characters)")
      @RequestHeader(value = "Idempotency-Key", required = false) @Nullable String idempotencyKey,
      HttpServletRequest request) throws IOException {
    VideoCreation.checkIdempotencyKey(idempotencyKey);
    try (InputStream body = request.getInputStream()) {
      return created(creation.create(caller, reader.readJson(body, request.getContentLengthLong()), idempotencyKey));
    }
  }

  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Create a video (multipart, with an image file)", description = "As the JSON form; the image is a file part.",
      requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
          content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA_VALUE, schema = @Schema(implementation = CreateVideoForm.class))))
  @ApiResponse(responseCode = "202", description = "queued", headers = @Header(name = "Location", description = "/v1/videos/{id}"))
  @ApiResponse(responseCode = "400", description = "invalid fields", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  @ApiResponse(responseCode = "413", description = "too large", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  @ApiResponse(responseCode = "422", description = "invalid image or reused Idempotency-Key", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  ResponseEntity<VideoObject> createMultipart(@Parameter(hidden = true) Caller caller,
      @RequestHeader(value = "Idempotency-Key", required = false) @Nullable String idempotencyKey,
      @Parameter(hidden = true) MultipartHttpServletRequest request) {
    VideoCreation.checkIdempotencyKey(idempotencyKey);
    return created(creation.create(caller, reader.readMultipart(request), idempotencyKey));
  }

  private ResponseEntity<VideoObject> created(VideoCreation.Created created) {
    ResponseEntity.BodyBuilder response = ResponseEntity.status(HttpStatus.ACCEPTED)
        .location(URI.create("/v1/videos/" + created.job().id()));
    if (created.replayed()) {
      response.header(REPLAYED_HEADER, "true");
    }
    // a new job's queue position was counted by its insert; a replayed one is looked up
    return response.body(created.replayed() ? views.view(created.job()) : views.view(created.job(), created.queuePosition()));
  }

  @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Get a video", description = """
      Status, progress, queue position, error; while in progress the signed URL of the live preview once \
      there is one, when completed the signed URLs of the video and its thumbnail.""")
  @ApiResponse(responseCode = "200", description = "the video")
  @ApiResponse(responseCode = "404", description = "no such video for this tenant (`video-not-found`)",
      content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  @ApiResponse(responseCode = "406", description = "the Accept header excludes JSON",
      content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  VideoObject get(@Parameter(hidden = true) Caller caller, @PathVariable String id) {
    VideoJobs.Positioned found = jobs.findWithQueuePosition(caller.tenantId(), parseUuidOr404(id))
        .orElseThrow(Problems::videoNotFound);
    return views.view(found.job(), found.queuePosition());
  }

  @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "List videos, newest first", description = "Cursor pagination: pass `next_cursor` as `after` for the next page.")
  @ApiResponse(responseCode = "200", description = "a page of videos")
  @ApiResponse(responseCode = "400", description = "invalid limit, cursor or status (`invalid-request`)",
      content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  VideoList list(@Parameter(hidden = true) Caller caller,
      @Parameter(description = "page size, 1-100 (default 20)") @RequestParam(required = false) @Nullable String limit,
      @Parameter(description = "cursor: the `next_cursor` of the previous page") @RequestParam(required = false) @Nullable String after,
      @Parameter(description = "only videos with this status",
          schema = @Schema(allowableValues = {"queued", "in_progress", "completed", "failed", "cancelled", "expired"}))
      @RequestParam(required = false) @Nullable String status) {
    List<Problems.FieldError> errors = new ArrayList<>();
    int pageSize = settings.listDefaultLimit();
    if (limit != null) {
      try {
        pageSize = Integer.parseInt(limit.strip());
        if (pageSize < 1 || pageSize > settings.listMaxLimit()) {
          errors.add(new Problems.FieldError("limit", "must be between 1 and " + settings.listMaxLimit()));
        }
      } catch (NumberFormatException e) {
        errors.add(new Problems.FieldError("limit", "must be an integer between 1 and " + settings.listMaxLimit()));
      }
    }
    UUID cursor = null;
    if (after != null && !after.isBlank()) {
      cursor = parseUuid(after.strip());
      if (cursor == null) {
        errors.add(new Problems.FieldError("after", "is not a valid cursor (use next_cursor of the previous page)"));
      }
    }
    JobStatus filter = null;
    if (status != null && !status.isBlank()) {
      try {
        filter = JobStatus.fromWire(status.strip());
        if (!filter.wire().equals(status.strip().toLowerCase(Locale.ROOT))) {
          filter = null;
        }
      } catch (IllegalArgumentException e) {
        filter = null;
      }
      if (filter == null) {
        errors.add(new Problems.FieldError("status", "must be one of queued, in_progress, completed, failed, cancelled, expired"));
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    List<Job> page = jobs.list(caller.tenantId(), filter, cursor, pageSize + 1);
    boolean hasMore = page.size() > pageSize;
    List<Job> shown = hasMore ? page.subList(0, pageSize) : page;
    String next = hasMore ? shown.get(shown.size() - 1).id().toString() : null;
    return new VideoList("list", shown.stream().map(views::view).toList(), hasMore, next);
  }

  @PostMapping(path = "/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "Cancel a video", description = """
      A queued video is cancelled at once; a running one stops at its next diffusion step (its status turns
      `cancelled` shortly after). A finished video is returned unchanged.""")
  @ApiResponse(responseCode = "200", description = "the video after the request")
  @ApiResponse(responseCode = "404", description = "no such video", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  VideoObject cancel(@Parameter(hidden = true) Caller caller, @PathVariable String id) {
    UUID jobId = parseUuidOr404(id);
    return views.view(jobs.cancel(caller.tenantId(), jobId).orElseThrow(Problems::videoNotFound));
  }

  @DeleteMapping("/{id}")
  @Operation(summary = "Delete a video", description = "Removes the record and its stored objects (a running job is cancelled first).")
  @ApiResponse(responseCode = "204", description = "deleted")
  @ApiResponse(responseCode = "404", description = "no such video", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  ResponseEntity<Void> delete(@Parameter(hidden = true) Caller caller, @PathVariable String id) {
    UUID jobId = parseUuidOr404(id);
    if (!jobs.delete(caller.tenantId(), jobId)) {
      throw Problems.videoNotFound();
    }
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/{id}/content")
  @Operation(summary = "Download a video's content", description = "Redirects (302) to a fresh signed URL of the MP4, its thumbnail or its preview.")
  @ApiResponse(responseCode = "302", description = "redirect to the signed URL", headers = @Header(name = "Location", description = "the signed URL"))
  @ApiResponse(responseCode = "400", description = "unknown variant", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  @ApiResponse(responseCode = "404", description = "no such video, or it ended without this content (failed, cancelled, expired)",
      content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  @ApiResponse(responseCode = "409", description = "not available yet (`content-not-ready`)",
      content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  ResponseEntity<Void> content(@Parameter(hidden = true) Caller caller, @PathVariable String id,
      @Parameter(schema = @Schema(allowableValues = {"video", "thumbnail", "preview"}, defaultValue = "video"))
      @RequestParam(required = false, defaultValue = "video") String variant) {
    String v = variant.strip().toLowerCase(Locale.ROOT);
    if (!v.equals("video") && !v.equals("thumbnail") && !v.equals("preview")) {
      throw Problems.invalid("variant", "must be one of video, thumbnail, preview");
    }
    Job job = find(caller, id);
    String key = switch (v) {
      case "thumbnail" -> job.status() == JobStatus.COMPLETED ? job.thumbnailKey() : null;
      case "preview" -> job.previewKey();
      default -> job.status() == JobStatus.COMPLETED ? job.videoKey() : null;
    };
    if (key == null) {
      if (!job.status().terminal()) {
        throw withRetry(Problems.problem(HttpStatus.CONFLICT, "content-not-ready", "Content not ready",
            "the " + v + " is not available yet (status " + job.status().wire() + ")"));
      }
      throw Problems.problem(HttpStatus.NOT_FOUND, "content-not-found", "Content not found",
          "the video has no " + v + " (status " + job.status().wire() + ")");
    }
    URI url = storage.presignedGet(key, views.urlTtl());
    return ResponseEntity.status(HttpStatus.FOUND).location(url).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
  }

  @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(summary = "Follow a video (Server-Sent Events)", description = """
      Sends the video object as an event when its status (`event: status`), its progress or stage, or its
      live preview (`event: progress`, with a newer `preview_updated_at`) changes, in order, starting with
      the current state; the stream ends after a terminal status (or with `event: deleted`).""")
  @ApiResponse(responseCode = "200", description = "the event stream",
      content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(implementation = VideoObject.class)))
  @ApiResponse(responseCode = "404", description = "no such video", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDoc.class)))
  SseEmitter events(@Parameter(hidden = true) Caller caller, @PathVariable String id) {
    return events.open(caller, parseUuidOr404(id));
  }

  private Job find(Caller caller, String id) {
    return jobs.find(caller.tenantId(), parseUuidOr404(id)).orElseThrow(Problems::videoNotFound);
  }

  private static org.springframework.web.ErrorResponseException withRetry(org.springframework.web.ErrorResponseException e) {
    e.getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
    return e;
  }

  private static UUID parseUuidOr404(String id) {
    UUID uuid = parseUuid(id);
    if (uuid == null) {
      throw Problems.videoNotFound();
    }
    return uuid;
  }

  private static @Nullable UUID parseUuid(String text) {
    if (text.length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
