package dev.walt.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fields of {@code POST /v1/videos} as the client sent them (types checked, ranges not yet). JSON
 * bodies and multipart forms are both read into this; unknown fields are rejected.
 */
@Schema(name = "CreateVideoRequest", description = "Unknown fields are rejected (400).")
record CreateVideoRequest(
    @Schema(description = "what the video shows; 1 to 2000 characters (configurable)", requiredMode = Schema.RequiredMode.REQUIRED,
        example = "a red ball bouncing on a wooden floor")
    @JsonProperty("prompt") @Nullable String prompt,
    @Schema(description = """
        optional first frame: base64 image data (plain, or a `data:image/png;base64,...` URL), or an https URL
        that the service fetches (public addresses only, no redirects, size-limited). PNG or JPEG.""")
    @JsonProperty("image") @Nullable String image,
    @Schema(description = "what the video should not show") @JsonProperty("negative_prompt") @Nullable String negativePrompt,
    @Schema(description = "number of frames (give frames or seconds, not both)", example = "17") @JsonProperty("frames") @Nullable Integer frames,
    @Schema(description = "duration in seconds; frames = round(seconds * fps)", example = "2") @JsonProperty("seconds") @Nullable Double seconds,
    @Schema(description = "WIDTHxHEIGHT, each a multiple of 8", example = "256x256") @JsonProperty("size") @Nullable String size,
    @Schema(description = "frames per second", example = "8") @JsonProperty("fps") @Nullable Integer fps,
    @Schema(description = "0 to 2^53-1; chosen at random when absent (and returned)", example = "42") @JsonProperty("seed") @Nullable Long seed,
    @Schema(description = "diffusion sampling steps", example = "50") @JsonProperty("steps") @Nullable Integer steps,
    @Schema(description = "classifier-free guidance scale", example = "5.0") @JsonProperty("guidance_scale") @Nullable Double guidanceScale,
    @Schema(description = "https URL that receives signed video.completed / video.failed / video.cancelled events")
    @JsonProperty("webhook_url") @Nullable String webhookUrl,
    @Schema(description = "up to 16 string pairs (keys up to 64, values up to 512 characters), returned as given")
    @JsonProperty("metadata") @Nullable Map<String, String> metadata) {}
