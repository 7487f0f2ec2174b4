package dev.walt.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/** The multipart form of {@code POST /v1/videos}; only for the OpenAPI document. */
@Schema(name = "CreateVideoForm", description = "The fields of CreateVideoRequest as form parts, plus the image as a file part.")
record CreateVideoForm(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) @JsonProperty("prompt") String prompt,
    @Schema(type = "string", format = "binary", description = "the first frame (PNG or JPEG)") @JsonProperty("image") @Nullable byte[] image,
    @JsonProperty("negative_prompt") @Nullable String negativePrompt,
    @JsonProperty("frames") @Nullable Integer frames,
    @JsonProperty("seconds") @Nullable Double seconds,
    @JsonProperty("size") @Nullable String size,
    @JsonProperty("fps") @Nullable Integer fps,
    @JsonProperty("seed") @Nullable Long seed,
    @JsonProperty("steps") @Nullable Integer steps,
    @JsonProperty("guidance_scale") @Nullable Double guidanceScale,
    @JsonProperty("webhook_url") @Nullable String webhookUrl,
    @Schema(description = "a JSON object of string values, e.g. {\"user\":\"42\"}") @JsonProperty("metadata") @Nullable String metadata) {}
