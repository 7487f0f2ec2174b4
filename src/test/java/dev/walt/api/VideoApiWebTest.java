package dev.walt.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.walt.auth.ApiKeys;
import dev.walt.auth.Caller;
import dev.walt.auth.RateLimiter;
import dev.walt.jobs.Job;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The HTTP mapping of {@code /v1/videos} in a web slice: status codes, headers, JSON field names,
 * validation messages and the problem shape of every error. Jobs and objects are in-memory doubles;
 * keys are mocked. The flows against PostgreSQL and S3 are in {@code VideoApiIT}.
 */
@WebMvcTest(controllers = VideoController.class, properties = "walt.api.events.max-streams=1")
@EnableConfigurationProperties({ApiSettings.class, dev.walt.auth.AuthSettings.class, dev.walt.video.VideoSettings.class, dev.walt.storage.StorageSettings.class})
@Import({VideoViews.class, VideoCreation.class, RequestReader.class, RequestValidator.class, InputImages.class,
    VideoEventStreams.class, SettingsGenerationLimits.class, VideoApiWebTest.Doubles.class})
class VideoApiWebTest {

  static final String KEY = "walt_sk_" + "A".repeat(43);
  static final String BEARER = "Bearer " + KEY;
  static final UUID TENANT = UUID.randomUUID();
  static final UUID API_KEY_ID = UUID.randomUUID();

  @TestConfiguration
  static class Doubles {
    @Bean
    InMemoryVideoJobs videoJobs() {
      return new InMemoryVideoJobs();
    }

    @Bean
    InMemoryObjectStorage objectStorage() {
      return new InMemoryObjectStorage();
    }

    @Bean
    dev.walt.video.ImageDecoder imageDecoder(dev.walt.video.VideoSettings settings) {
      return new dev.walt.video.ImageDecoder(settings);
    }

    @Bean
    dev.walt.webhooks.WebhookUrlValidator webhookUrlValidator() {
      return new dev.walt.webhooks.WebhookUrlValidator(new dev.walt.webhooks.WebhookSettings(true, false, false,
          java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(10), java.time.Duration.ofHours(24),
          java.time.Duration.ofSeconds(5), java.time.Duration.ofHours(1), java.time.Duration.ofSeconds(2), 10,
          java.time.Duration.ofMinutes(5)), new org.springframework.mock.env.MockEnvironment()
          .withProperty("walt.db.url", "jdbc:postgresql://db.example/walt")); // an external database: the strict policy
    }

    @Bean
    TransactionTemplate transactionTemplate(PlatformTransactionManager tm) {
      return new TransactionTemplate(tm);
    }
  }

  @Autowired MockMvc mvc;
  @Autowired InMemoryVideoJobs jobs;
  @Autowired InMemoryObjectStorage storage;
  @MockitoBean ApiKeys apiKeys;
  @MockitoBean RateLimiter rateLimiter;
  @MockitoBean IdempotencyStore idempotency;
  @MockitoBean CreationLocks locks;
  @MockitoBean PlatformTransactionManager transactionManager;

  @BeforeEach
  void setUp() {
    jobs.clear();
    storage.objects.clear();
    when(apiKeys.authenticate(anyString())).thenReturn(Optional.empty());
    when(apiKeys.authenticate(KEY)).thenReturn(Optional.of(new Caller(TENANT, API_KEY_ID, 600, 20, null)));
    when(rateLimiter.hit(any(), anyInt())).thenReturn(new RateLimiter.Window(600, 1, 42));
  }

  @Test
  void createJsonAnswers202WithLocationAndTheVideoObjectInSnakeCase() throws Exception {
    MvcResult result = mvc.perform(post("/v1/videos").header("Authorization", BEARER)
            .contentType(MediaType.APPLICATION_JSON)
            .content("""
                {"prompt": "a red ball", "negative_prompt": "blur", "frames": 9, "size": "128x64", "fps": 4,
                 "seed": 7, "steps": 20, "guidance_scale": 3.5, "metadata": {"user": "42"}}"""))
        .andExpect(status().isAccepted())
        .andExpect(header().string("RateLimit-Limit", "600"))
        .andExpect(header().string("RateLimit-Remaining", "599"))
        .andExpect(header().string("RateLimit-Reset", "42"))
        .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
        .andExpect(jsonPath("$.object").value("video"))
        .andExpect(jsonPath("$.status").value("queued"))
        .andExpect(jsonPath("$.progress").value(0))
        .andExpect(jsonPath("$.queue_position").value(0))
        .andExpect(jsonPath("$.prompt").value("a red ball"))
        .andExpect(jsonPath("$.negative_prompt").value("blur"))
        .andExpect(jsonPath("$.frames").value(9))
        .andExpect(jsonPath("$.seconds").value(2.25))
        .andExpect(jsonPath("$.size").value("128x64"))
        .andExpect(jsonPath("$.fps").value(4))
        .andExpect(jsonPath("$.seed").value(7))
        .andExpect(jsonPath("$.steps").value(20))
        .andExpect(jsonPath("$.guidance_scale").value(3.5))
        .andExpect(jsonPath("$.has_image").value(false))
        .andExpect(jsonPath("$.metadata.user").value("42"))
        .andExpect(jsonPath("$.created_at").isNumber())
        .andExpect(jsonPath("$.video_url").doesNotExist())
        .andReturn();
    String id = com.jayway.jsonpath.JsonPath.read(result.getResponse().getContentAsString(), "$.id");
    assertThat(result.getResponse().getHeader("Location")).isEqualTo("/v1/videos/" + id);
    assertThat(jobs.size()).isEqualTo(1);
  }

  @Test
  void defaultsAreAppliedAndARandomSeedIsChosenAndReturned() throws Exception {
    mvc.perform(post("/v1/videos").header("Authorization", BEARER).contentType(MediaType.APPLICATION_JSON)
            .content("{\"prompt\": \"waves\"}"))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.frames").value(17))
        .andExpect(jsonPath("$.size").value("256x256"))
        .andExpect(jsonPath("$.fps").value(8))
        .andExpect(jsonPath("$.steps").value(50))
        .andExpect(jsonPath("$.seed").isNumber());
  }

  @Test
  void secondsAreTurnedIntoFramesAtTheRequestedFps() throws Exception {
    mvc.perform(post("/v1/videos").header("Authorization", BEARER).contentType(MediaType.APPLICATION_JSON)
            .content("{\"prompt\": \"waves\", \"seconds\": 2, \"fps\": 8}"))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.frames").value(16))
        .andExpect(jsonPath("$.seconds").value(2.0));
  }

  @Test
  void multipartWithAnImageFileStoresTheImageUnderTheJobsInputKey() throws Exception {
    byte[] png = TestImages.png(64, 48);
    MvcResult result = mvc.perform(multipart("/v1/videos")
            .file(new MockMultipartFile("image", "first.png", "image/png", png))
            .param("prompt", "a cat")
            .param("frames", "5")
            .param("guidance_scale", "2.5")
            .param("metadata", "{\"k\": \"v\"}")
            .header("Authorization", BEARER))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.has_image").value(true))
        .andExpect(jsonPath("$.frames").value(5))
        .andExpect(jsonPath("$.guidance_scale").value(2.5))
        .andExpect(jsonPath("$.metadata.k").value("v"))
        .andReturn();
    String id = com.jayway.jsonpath.JsonPath.read(result.getResponse().getContentAsString(), "$.id");
    assertThat(storage.objects).containsOnlyKeys("inputs/" + id + "/image");
    assertThat(storage.objects.get("inputs/" + id + "/image")).isEqualTo(png);
  }

  @Test
  void base64AndDataUrlImagesAreAccepted() throws Exception {
    for (String image : new String[] {TestImages.pngBase64(32, 32), "data:image/png;base64," + TestImages.pngBase64(32, 32)}) {
      mvc.perform(post("/v1/videos").header("Authorization", BEARER).contentType(MediaType.APPLICATION_JSON)
              .content("{\"prompt\": \"p\", \"image\": \"" + image + "\"}"))
          .andExpect(status().isAccepted())
          .andExpect(jsonPath("$.has_image").value(true));
    }
    assertThat(storage.objects).hasSize(2);
  }

  static Stream<Arguments> badRequests() {
    String truncatedPng = java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(TestImages.png(32, 32), 20));
    return Stream.of(
        Arguments.of("{\"prompt\": ", 400, "malformed-request", null),
        Arguments.of("[1, 2]", 400, "malformed-request", null),
        Arguments.of("", 400, "malformed-request", null),
        Arguments.of("{\"prompt\": \"a\", \"prompt\": \"b\"}", 400, "malformed-request", null),
        Arguments.of("{\"prompt\": \"a\", \"colour\": \"red\"}", 400, "invalid-request", "colour"),
        Arguments.of("{\"frames\": 10}", 400, "invalid-request", "prompt"),
        Arguments.of("{\"prompt\": \"   \"}", 400, "invalid-request", "prompt"),
        Arguments.of("{\"prompt\": 12}", 400, "invalid-request", "prompt"),
        Arguments.of("{\"prompt\": \"" + "x".repeat(2001) + "\"}", 400, "invalid-request", "prompt"),
        Arguments.of("{\"prompt\": \"a\", \"frames\": \"ten\"}", 400, "invalid-request", "frames"),
        Arguments.of("{\"prompt\": \"a\", \"frames\": 16.5}", 400, "invalid-request", "frames"),
        Arguments.of("{\"prompt\": \"a\", \"frames\": -1}", 400, "invalid-request", "frames"),
        Arguments.of("{\"prompt\": \"a\", \"frames\": 99999999999999999999}", 400, "invalid-request", "frames"),
        Arguments.of("{\"prompt\": \"a\", \"frames\": 10, \"seconds\": 2}", 400, "invalid-request", "seconds"),
        Arguments.of("{\"prompt\": \"a\", \"seconds\": -2}", 400, "invalid-request", "seconds"),
        Arguments.of("{\"prompt\": \"a\", \"seconds\": 1e300}", 400, "invalid-request", "seconds"),
        Arguments.of("{\"prompt\": \"a\", \"size\": \"big\"}", 400, "invalid-request", "size"),
        Arguments.of("{\"prompt\": \"a\", \"size\": \"100x100\"}", 400, "invalid-request", "size"),
        Arguments.of("{\"prompt\": \"a\", \"size\": \"99999x64\"}", 400, "invalid-request", "size"),
        Arguments.of("{\"prompt\": \"a\", \"size\": \"-64x64\"}", 400, "invalid-request", "size"),
        Arguments.of("{\"prompt\": \"a\", \"fps\": 0}", 400, "invalid-request", "fps"),
        Arguments.of("{\"prompt\": \"a\", \"steps\": 100000}", 400, "invalid-request", "steps"),
        Arguments.of("{\"prompt\": \"a\", \"guidance_scale\": -1}", 400, "invalid-request", "guidance_scale"),
        Arguments.of("{\"prompt\": \"a\", \"guidance_scale\": \"high\"}", 400, "invalid-request", "guidance_scale"),
        Arguments.of("{\"prompt\": \"a\", \"seed\": -5}", 400, "invalid-request", "seed"),
        Arguments.of("{\"prompt\": \"a\", \"seed\": 9007199254740992}", 400, "invalid-request", "seed"),
        Arguments.of("{\"prompt\": \"a\", \"seed\": 123456789012345678901234567890}", 400, "invalid-request", "seed"),
        Arguments.of("{\"prompt\": \"a\", \"webhook_url\": \"http://example.com/hook\"}", 400, "invalid-request", "webhook_url"),
        Arguments.of("{\"prompt\": \"a\", \"webhook_url\": \"https://127.0.0.1/hook\"}", 400, "invalid-request", "webhook_url"),
        Arguments.of("{\"prompt\": \"a\", \"webhook_url\": \"https://10.1.2.3/hook\"}", 400, "invalid-request", "webhook_url"),
        Arguments.of("{\"prompt\": \"a\", \"webhook_url\": \"https://[::1]/hook\"}", 400, "invalid-request", "webhook_url"),
        Arguments.of("{\"prompt\": \"a\", \"webhook_url\": \"https://localhost/hook\"}", 400, "invalid-request", "webhook_url"),
        Arguments.of("{\"prompt\": \"a\", \"webhook_url\": \"https://169.254.169.254/latest\"}", 400, "invalid-request", "webhook_url"),
        Arguments.of("{\"prompt\": \"a\", \"image\": \"https://192.168.1.1/a.png\"}", 400, "invalid-request", "image"),
        Arguments.of("{\"prompt\": \"a\", \"image\": \"https://[fd00::1]/a.png\"}", 400, "invalid-request", "image"),
        Arguments.of("{\"prompt\": \"a\", \"image\": \"http://example.com/a.png\"}", 400, "invalid-request", "image"),
        Arguments.of("{\"prompt\": \"a\", \"image\": \"not base64 at all!\"}", 400, "invalid-request", "image"),
        Arguments.of("{\"prompt\": \"a\", \"image\": \"" + truncatedPng + "\"}", 422, "image-corrupt", null),
        Arguments.of("{\"prompt\": \"a\", \"image\": \"R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7\"}", 415, "image-unsupported-format", null),
        Arguments.of("{\"prompt\": \"a\", \"image\": \"data:image/gif;base64,R0lGODlhAQABAAAAACw=\"}", 415, "image-unsupported-format", null),
        Arguments.of("{\"prompt\": \"a\", \"image\": \"" + TestImages.pngBase64(4, 4) + "\"}", 422, "image-too-small", null),
        Arguments.of("{\"prompt\": \"a\", \"image\": \"" + "A".repeat(14_500_000) + "\"}", 413, "image-too-large", null),
        Arguments.of("{\"prompt\": \"" + "a".repeat(15_800_000) + "\"}", 413, "request-too-large", null),
        Arguments.of("{\"prompt\": \"a\", \"metadata\": [1]}", 400, "invalid-request", "metadata"),
        Arguments.of("{\"prompt\": \"a\", \"metadata\": {\"k\": 1}}", 400, "invalid-request", "metadata.k"),
        Arguments.of("{\"prompt\": \"a\", \"metadata\": {\"k\": \"" + "v".repeat(513) + "\"}}", 400, "invalid-request", "metadata.k"),
        Arguments.of("{\"prompt\": \"a\", \"metadata\": " + manyPairs(17) + "}", 400, "invalid-request", "metadata"));
  }

  private static String manyPairs(int n) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\": \"v\"");
    }
    return b.append('}').toString();
  }

  @ParameterizedTest(name = "[{index}] {1} {2} {3}")
  @MethodSource("badRequests")
  void badCreateRequestsAreProblemsAndCreateNothing(String body, int status, String type, String field) throws Exception {
    var result = mvc.perform(post("/v1/videos").header("Authorization", BEARER)
            .contentType(MediaType.APPLICATION_JSON).content(body))
        .andExpect(status().is(status))
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/" + type))
        .andExpect(jsonPath("$.title").isString())
        .andExpect(jsonPath("$.status").value(status))
        .andExpect(jsonPath("$.detail").isString());
    if (field != null) {
      result.andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.hasItem(field)));
    }
    String text = result.andReturn().getResponse().getContentAsString();
    assertThat(text).doesNotContain("Exception").doesNotContain("at dev.walt").doesNotContain("at org.");
    assertThat(jobs.size()).isZero();
    assertThat(storage.objects).isEmpty();
  }

  @Test
  void everyInvalidFieldIsReportedAtOnce() throws Exception {
    mvc.perform(post("/v1/videos").header("Authorization", BEARER).contentType(MediaType.APPLICATION_JSON)
            .content("{\"frames\": 0, \"fps\": 999, \"size\": \"1x\"}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors.length()").value(4))
        .andExpect(jsonPath("$.errors[?(@.field == 'prompt')].message").value("is required"))
        .andExpect(jsonPath("$.errors[?(@.field == 'fps')].message").value("must be between 1 and 60"));
    mvc.perform(post("/v1/videos").header("Authorization", BEARER).contentType(MediaType.APPLICATION_JSON)
            .content("{\"prompt\": 1, \"steps\": \"many\", \"extra\": true}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors.length()").value(3))
        .andExpect(jsonPath("$.errors[?(@.field == 'extra')].message").value("unknown field"))
        .andExpect(jsonPath("$.errors[?(@.field == 'steps')].message").value("must be an integer"));
  }

  @Test
  void multipartRejectsUnknownPartsAndBadNumbers() throws Exception {
    mvc.perform(multipart("/v1/videos").param("prompt", "a").param("frames", "many").param("colour", "red")
            .file(new MockMultipartFile("other", "x.bin", "application/octet-stream", new byte[] {1}))
            .header("Authorization", BEARER))
        .andExpect(status().isBadRequest())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.containsInAnyOrder("frames", "colour", "other")));
    mvc.perform(multipart("/v1/videos").param("prompt", "a")
            .file(new MockMultipartFile("image", "x.txt", "image/png", "hello".getBytes()))
            .header("Authorization", BEARER))
        .andExpect(status().isUnsupportedMediaType())
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/image-unsupported-format"));
    assertThat(jobs.size()).isZero();
  }

  @Test
  void missingOrWrongKeysAre401WithWwwAuthenticate() throws Exception {
    for (String authorization : new String[] {null, "Basic abc", "Bearer nope", "Bearer walt_sk_" + "B".repeat(43)}) {
      var request = get("/v1/videos");
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      mvc.perform(request)
          .andExpect(status().isUnauthorized())
          .andExpect(header().string("WWW-Authenticate", org.hamcrest.Matchers.startsWith("Bearer")))
          .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
          .andExpect(jsonPath("$.type").value("https://walt.dev/problems/unauthorized"));
    }
  }

  @Test
  void overTheRateLimitIs429WithHeaders() throws Exception {
    when(rateLimiter.hit(any(), anyInt())).thenReturn(new RateLimiter.Window(600, 601, 17));
    mvc.perform(get("/v1/videos").header("Authorization", BEARER))
        .andExpect(status().isTooManyRequests())
        .andExpect(header().string("Retry-After", "17"))
        .andExpect(header().string("RateLimit-Limit", "600"))
        .andExpect(header().string("RateLimit-Remaining", "0"))
        .andExpect(header().string("RateLimit-Reset", "17"))
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/rate-limited"));
  }

  @Test
  void aKeyFarFromItsLimitIsCountedOnceAndNotAgainWhileItsBoundLeavesRoom() throws Exception {
    UUID keyId = UUID.randomUUID();
    String key = "walt_sk_" + "b".repeat(43);
    when(apiKeys.authenticate(key)).thenReturn(Optional.of(new Caller(TENANT, keyId, 600, 100_000, null)));
    // the creation sequence as each create's slot reads it: a few rows inserted between creates (the first
    // create counts, in a transaction with its slot; the others take theirs in their one statement)
    when(locks.takeOneSlot(keyId)).thenReturn(1_000L);
    java.util.Iterator<Long> sequence = List.of(1_003L, 1_010L, 1_011L).iterator();
    jobs.createdSequence(sequence::next);
    for (int i = 0; i < 4; i++) {
      if (i == 2) {
        Thread.sleep(1_100); // the bound used to expire after a second, and every create in flight counted
      }
      mvc.perform(post("/v1/videos").header("Authorization", "Bearer " + key)
              .contentType(MediaType.APPLICATION_JSON).content("{\"prompt\": \"bound " + i + "\"}"))
          .andExpect(status().isAccepted());
    }
    assertThat(jobs.countedCreates(keyId)).as("creates that counted the key's active jobs").isEqualTo(1);
    assertThat(jobs.oneSlotCreates(keyId)).as("creates in one statement, outside a transaction").isEqualTo(3);
  }

  @Test
  void aOneStatementCreateThatFindsTooManyRowsInsertedSinceTheCountCountsInstead() throws Exception {
    UUID keyId = UUID.randomUUID();
    String key = "walt_sk_" + "c".repeat(43);
    when(apiKeys.authenticate(key)).thenReturn(Optional.of(new Caller(TENANT, keyId, 600, 100_000, null)));
    when(locks.takeOneSlot(keyId)).thenReturn(1_000L, 201_000L);
    // 200,000 rows inserted (by all keys) since the first create's count: more than the 100,000 allowed
    jobs.createdSequence(() -> 201_000L);
    for (int i = 0; i < 2; i++) {
      mvc.perform(post("/v1/videos").header("Authorization", "Bearer " + key)
              .contentType(MediaType.APPLICATION_JSON).content("{\"prompt\": \"room " + i + "\"}"))
          .andExpect(status().isAccepted());
    }
    assertThat(jobs.oneSlotCreates(keyId)).as("the second create tried one statement first").isEqualTo(1);
    assertThat(jobs.countedCreates(keyId)).as("and then counted, as the first did").isEqualTo(2);
    assertThat(jobs.size()).isEqualTo(2);
  }

  @Test
  void tooManyActiveJobsIs429() throws Exception {
    when(apiKeys.authenticate(KEY)).thenReturn(Optional.of(new Caller(TENANT, API_KEY_ID, 600, 1, null)));
    mvc.perform(post("/v1/videos").header("Authorization", BEARER).contentType(MediaType.APPLICATION_JSON).content("{\"prompt\": \"a\"}"))
        .andExpect(status().isAccepted());
    mvc.perform(post("/v1/videos").header("Authorization", BEARER).contentType(MediaType.APPLICATION_JSON).content("{\"prompt\": \"b\"}"))
        .andExpect(status().isTooManyRequests())
        .andExpect(header().exists("Retry-After"))
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/too-many-active-jobs"));
    assertThat(jobs.size()).isEqualTo(1);
  }

  @Test
  void anUnreachableDatabaseIs503WithRetryAfter() throws Exception {
    when(apiKeys.authenticate(KEY)).thenThrow(new org.springframework.jdbc.CannotGetJdbcConnectionException("connection refused"));
    mvc.perform(get("/v1/videos").header("Authorization", BEARER))
        .andExpect(status().isServiceUnavailable())
        .andExpect(header().string("Retry-After", "5"))
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/service-unavailable"))
        .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("refused"))));
  }

  @Test
  void anUnexpectedErrorIsAGeneric500WithACorrelationId() throws Exception {
    when(rateLimiter.hit(any(), anyInt())).thenThrow(new IllegalStateException("secret internals"));
    mvc.perform(get("/v1/videos").header("Authorization", BEARER))
        .andExpect(status().isInternalServerError())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/internal-error"))
        .andExpect(jsonPath("$.correlation_id").isString())
        .andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("secret internals"))))
        .andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("IllegalStateException"))));
  }

  @Test
  void springsOwnErrorsAreProblemsToo() throws Exception {
    mvc.perform(get("/v1/nothing-here").header("Authorization", BEARER))
        .andExpect(status().isNotFound())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/not-found"));
    mvc.perform(put("/v1/videos").header("Authorization", BEARER).contentType(MediaType.APPLICATION_JSON).content("{}"))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(header().exists("Allow"))
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/method-not-allowed"));
    mvc.perform(post("/v1/videos").header("Authorization", BEARER).contentType(MediaType.TEXT_PLAIN).content("a red ball"))
        .andExpect(status().isUnsupportedMediaType())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/unsupported-media-type"));
    mvc.perform(get("/v1/videos").header("Authorization", BEARER).accept(MediaType.TEXT_HTML))
        .andExpect(status().isNotAcceptable())
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/not-acceptable"));
    assertThat(jobs.size()).isZero();
  }

  @Test
  void getListCancelDeleteAndContent() throws Exception {
    Job a = jobs.create(UUID.randomUUID(), newJob("first"));
    Job b = jobs.create(UUID.randomUUID(), newJob("second"));
    Job c = jobs.create(UUID.randomUUID(), newJob("third"));
    jobs.update(c.id(), j -> InMemoryVideoJobs.completed(j, "videos/" + j.id() + "/1/video.mp4", "videos/" + j.id() + "/1/thumb.jpg"));

    mvc.perform(get("/v1/videos/" + c.id()).header("Authorization", BEARER))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status").value("completed"))
        .andExpect(jsonPath("$.progress").value(100))
        .andExpect(jsonPath("$.video_url").value(org.hamcrest.Matchers.startsWith("https://s3.test/bucket/videos/" + c.id())))
        .andExpect(jsonPath("$.thumbnail_url").isString())
        .andExpect(jsonPath("$.url_expires_at").isNumber())
        .andExpect(jsonPath("$.queue_position").doesNotExist());

    mvc.perform(get("/v1/videos?limit=2").header("Authorization", BEARER))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.object").value("list"))
        .andExpect(jsonPath("$.data[0].id").value(c.id().toString()))
        .andExpect(jsonPath("$.data[1].id").value(b.id().toString()))
        .andExpect(jsonPath("$.has_more").value(true))
        .andExpect(jsonPath("$.next_cursor").value(b.id().toString()));
    mvc.perform(get("/v1/videos?limit=2&after=" + b.id()).header("Authorization", BEARER))
        .andExpect(jsonPath("$.data.length()").value(1))
        .andExpect(jsonPath("$.data[0].id").value(a.id().toString()))
        .andExpect(jsonPath("$.has_more").value(false))
        .andExpect(jsonPath("$.next_cursor").doesNotExist());
    mvc.perform(get("/v1/videos?status=completed").header("Authorization", BEARER))
        .andExpect(jsonPath("$.data.length()").value(1));

    mvc.perform(get("/v1/videos/" + c.id() + "/content").header("Authorization", BEARER))
        .andExpect(status().isFound())
        .andExpect(header().string("Location", org.hamcrest.Matchers.containsString("video.mp4")));
    mvc.perform(get("/v1/videos/" + c.id() + "/content?variant=thumbnail").header("Authorization", BEARER))
        .andExpect(status().isFound())
        .andExpect(header().string("Location", org.hamcrest.Matchers.containsString("thumb.jpg")));
    mvc.perform(get("/v1/videos/" + a.id() + "/content").header("Authorization", BEARER))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/content-not-ready"));
    mvc.perform(get("/v1/videos/" + c.id() + "/content?variant=poster").header("Authorization", BEARER))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.errors[0].field").value("variant"));

    mvc.perform(post("/v1/videos/" + a.id() + "/cancel").header("Authorization", BEARER))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status").value("cancelled"))
        .andExpect(jsonPath("$.completed_at").isNumber());
    mvc.perform(get("/v1/videos/" + a.id() + "/content").header("Authorization", BEARER))
        .andExpect(status().isNotFound())
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/content-not-found"));
    mvc.perform(delete("/v1/videos/" + a.id()).header("Authorization", BEARER))
        .andExpect(status().isNoContent());
    mvc.perform(get("/v1/videos/" + a.id()).header("Authorization", BEARER))
        .andExpect(status().isNotFound())
        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/video-not-found"));
    mvc.perform(get("/v1/videos/not-a-uuid").header("Authorization", BEARER))
        .andExpect(status().isNotFound());
  }

  @Test
  void eventStreamsAreBoundedPerInstance() throws Exception {
    Job job = jobs.create(UUID.randomUUID(), newJob("streamed"));
    MvcResult first = mvc.perform(get("/v1/videos/" + job.id() + "/events").header("Authorization", BEARER))
        .andExpect(request -> assertThat(request.getRequest().isAsyncStarted()).isTrue())
        .andReturn();
    mvc.perform(get("/v1/videos/" + job.id() + "/events").header("Authorization", BEARER))
        .andExpect(status().isServiceUnavailable())
        .andExpect(header().exists("Retry-After"))
        .andExpect(jsonPath("$.type").value("https://walt.dev/problems/too-many-streams"));
    // the first stream sent the current state at once, and ends after a terminal status
    jobs.update(job.id(), j -> InMemoryVideoJobs.with(j, dev.walt.jobs.JobStatus.CANCELLED));
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!first.getResponse().getContentAsString().contains("cancelled") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    String events = first.getResponse().getContentAsString();
    assertThat(events).startsWith("id:1\nevent:status\ndata:{");
    assertThat(events).contains("\"status\":\"queued\"").contains("id:2\nevent:status").contains("\"status\":\"cancelled\"");
    deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      var r = mvc.perform(get("/v1/videos/" + job.id() + "/events").header("Authorization", BEARER)).andReturn();
      if (r.getResponse().getStatus() == 200) {
        return; // the permit came back
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the stream's permit was not released after its terminal event");
  }

  @Test
  void aRunningVideoCarriesASignedLivePreviewUrlOnceItsAttemptPublishedOne() throws Exception {
    Job job = jobs.create(UUID.randomUUID(), newJob("previewed"));
    String url = "/v1/videos/" + job.id();
    // running, no preview yet: no URL at all
    jobs.update(job.id(), j -> InMemoryVideoJobs.running(j, 2, 10, null, null));
    mvc.perform(get(url).header("Authorization", BEARER))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.status").value("in_progress"))
        .andExpect(jsonPath("$.preview_url").doesNotExist())
        .andExpect(jsonPath("$.preview_updated_at").doesNotExist())
        .andExpect(jsonPath("$.url_expires_at").doesNotExist());

    // the preview left by the failed first attempt (removed with it) is not this attempt's
    java.time.Instant earlier = java.time.Instant.ofEpochSecond(1_900_000_000L);
    jobs.update(job.id(), j -> InMemoryVideoJobs.running(j, 2, 10, "videos/" + j.id() + "/1/preview.webm", earlier));
    mvc.perform(get(url).header("Authorization", BEARER))
        .andExpect(jsonPath("$.preview_url").doesNotExist())
        .andExpect(jsonPath("$.preview_updated_at").doesNotExist());

    // this attempt's preview: signed URL, when it was replaced, and the URL's expiry (walt.s3.presign-expiry)
    java.time.Instant published = java.time.Instant.ofEpochSecond(1_900_000_123L);
    jobs.update(job.id(), j -> InMemoryVideoJobs.running(j, 2, 40, "videos/" + j.id() + "/2/preview.webm", published));
    long now = java.time.Instant.now().getEpochSecond();
    MvcResult result = mvc.perform(get(url).header("Authorization", BEARER))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.preview_url").value("https://s3.test/bucket/videos/" + job.id() + "/2/preview.webm?X-Amz-Expires=3600"))
        .andExpect(jsonPath("$.preview_updated_at").value(1_900_000_123L))
        .andExpect(jsonPath("$.video_url").doesNotExist())
        .andExpect(jsonPath("$.thumbnail_url").doesNotExist())
        .andReturn();
    long expires = com.jayway.jsonpath.JsonPath.<Number>read(result.getResponse().getContentAsString(), "$.url_expires_at").longValue();
    assertThat(expires).isBetween(now + 3600 - 5, now + 3600 + 5);
    mvc.perform(get("/v1/videos").header("Authorization", BEARER))
        .andExpect(jsonPath("$.data[0].preview_url").value(org.hamcrest.Matchers.startsWith("https://s3.test/bucket/videos/" + job.id() + "/2/preview.webm")));

    // once completed, the live preview is gone (the final preview stays reachable through /content)
    jobs.update(job.id(), j -> InMemoryVideoJobs.completed(j, "videos/" + j.id() + "/2/video.mp4", "videos/" + j.id() + "/2/thumbnail.jpg"));
    mvc.perform(get(url).header("Authorization", BEARER))
        .andExpect(jsonPath("$.status").value("completed"))
        .andExpect(jsonPath("$.video_url").isString())
        .andExpect(jsonPath("$.preview_url").doesNotExist())
        .andExpect(jsonPath("$.preview_updated_at").doesNotExist());
  }

  @Test
  void theEventStreamSendsAnEventWhenANewerPreviewIsPublished() throws Exception {
    Job job = jobs.create(UUID.randomUUID(), newJob("streamed preview"));
    jobs.update(job.id(), j -> InMemoryVideoJobs.running(j, 1, 30, null, null));
    MvcResult stream = null;
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (stream == null && System.nanoTime() < deadline) { // one stream per instance here: wait for the permit
      MvcResult r = mvc.perform(get("/v1/videos/" + job.id() + "/events").header("Authorization", BEARER)).andReturn();
      if (r.getRequest().isAsyncStarted()) {
        stream = r;
      } else {
        Thread.sleep(50);
      }
    }
    assertThat(stream).as("an event stream could be opened").isNotNull();
    // same status, progress and stage: only the preview changes, twice
    String key = "videos/" + job.id() + "/1/preview.webm";
    jobs.update(job.id(), j -> InMemoryVideoJobs.running(j, 1, 30, key, java.time.Instant.ofEpochSecond(1_900_000_001L)));
    awaitContent(stream, "\"preview_updated_at\":1900000001");
    jobs.update(job.id(), j -> InMemoryVideoJobs.running(j, 1, 30, key, java.time.Instant.ofEpochSecond(1_900_000_004L)));
    awaitContent(stream, "\"preview_updated_at\":1900000004");
    jobs.update(job.id(), j -> InMemoryVideoJobs.with(j, dev.walt.jobs.JobStatus.CANCELLED));
    awaitContent(stream, "\"status\":\"cancelled\"");

    String events = stream.getResponse().getContentAsString();
    assertThat(events).startsWith("id:1\nevent:status\ndata:{").contains("id:2\nevent:progress").contains("id:3\nevent:progress")
        .contains("id:4\nevent:status");
    assertThat(events.split("\n\n")[1]).contains("\"preview_url\":\"https://s3.test/bucket/" + key + "?");
    assertThat(events.split("\n\n")[3]).doesNotContain("preview_url");
  }

  private static void awaitContent(MvcResult result, String expected) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!result.getResponse().getContentAsString().contains(expected) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(result.getResponse().getContentAsString()).contains(expected);
  }

  @Test
  void badListParametersAre400() throws Exception {
    for (String query : new String[] {"limit=0", "limit=101", "limit=ten", "after=abc", "status=done", "status=QUEUED2"}) {
      mvc.perform(get("/v1/videos?" + query).header("Authorization", BEARER))
          .andExpect(status().isBadRequest())
          .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
          .andExpect(jsonPath("$.type").value("https://walt.dev/problems/invalid-request"))
          .andExpect(jsonPath("$.errors[0].field").value(query.substring(0, query.indexOf('='))));
    }
  }

  @Test
  void anotherTenantsVideoIsNotFound() throws Exception {
    Job other = jobs.create(UUID.randomUUID(), new dev.walt.jobs.NewJob(UUID.randomUUID(), UUID.randomUUID(), "theirs", null,
        17, 256, 256, 8, 1, 50, 5f, null, null, java.util.Map.of()));
    for (var request : java.util.List.of(get("/v1/videos/" + other.id()), post("/v1/videos/" + other.id() + "/cancel"),
        delete("/v1/videos/" + other.id()), get("/v1/videos/" + other.id() + "/content"),
        get("/v1/videos/" + other.id() + "/events"))) {
      mvc.perform(request.header("Authorization", BEARER))
          .andExpect(status().isNotFound())
          .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
    }
    mvc.perform(get("/v1/videos").header("Authorization", BEARER)).andExpect(jsonPath("$.data.length()").value(0));
    assertThat(jobs.find(other.tenantId(), other.id())).isPresent();
  }

  private static dev.walt.jobs.NewJob newJob(String prompt) {
    return new dev.walt.jobs.NewJob(TENANT, API_KEY_ID, prompt, null, 17, 256, 256, 8, 1, 50, 5f, null, null, java.util.Map.of());
  }
}
