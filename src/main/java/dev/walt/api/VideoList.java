package dev.walt.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A page of videos, newest first. */
@Schema(name = "VideoList")
record VideoList(
    @Schema(description = "always `list`") @JsonProperty("object") String object,
    @JsonProperty("data") List<VideoObject> data,
    @Schema(description = "true when there are older videos") @JsonProperty("has_more") boolean hasMore,
    @Schema(description = "pass as `after` to get the next page; null on the last page", nullable = true)
    @JsonProperty("next_cursor") @Nullable String nextCursor) {}
