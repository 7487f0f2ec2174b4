package dev.walt.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.ContextConfiguration;

/**
 * A full {@link SpringBootTest} of the application against a real PostgreSQL and a real S3 server
 * (see {@link TestServices} for where they come from).
 *
 * <p>Every Spring test context gets its own empty database (migrated by Flyway at start), its own
 * bucket and its own {@code walt.data-dir}, so tests in different contexts never see each other's
 * rows or objects. Test classes with the same configuration share one cached context, as usual in
 * Spring tests: tests that truncate tables or count rows should clean up after themselves or use
 * {@code @DirtiesContext}. Name such classes {@code *IT} so that {@code ./mvnw verify} runs them.
 *
 * <pre>{@code
 * @WaltIntegrationTest(webEnvironment = WebEnvironment.RANDOM_PORT)
 * class VideoFlowIT { @Autowired ObjectStorage storage; ... }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest
@ContextConfiguration(initializers = WaltTestServicesInitializer.class)
public @interface WaltIntegrationTest {

  /** The web environment, as in {@link SpringBootTest#webEnvironment()}. */
  @AliasFor(annotation = SpringBootTest.class)
  WebEnvironment webEnvironment() default WebEnvironment.MOCK;

  /** Extra {@code key=value} properties; they win over the test services' properties. */
  @AliasFor(annotation = SpringBootTest.class)
  String[] properties() default {};

  /** Application arguments, as in {@link SpringBootTest#args()}. */
  @AliasFor(annotation = SpringBootTest.class)
  String[] args() default {};
}
