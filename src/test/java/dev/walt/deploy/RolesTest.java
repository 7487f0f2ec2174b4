package dev.walt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walt.system.ConditionalOnRole;
import dev.walt.system.Role;
import dev.walt.system.RoleSettings;
import java.util.EnumSet;
import java.lang.reflect.Constructor;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.mock.env.MockEnvironment;

/** {@code walt.roles}: binding, {@link ConditionalOnRole}, and no OpenAPI document without the api role. */
class RolesTest {

  @Test
  void bothRolesByDefaultAndWhenBlank() {
    assertThat(RoleSettings.from(new MockEnvironment()).roles()).isEqualTo(EnumSet.allOf(Role.class));
    assertThat(roles("")).isEqualTo(EnumSet.allOf(Role.class));
  }

  @Test
  void rolesAreACommaSeparatedListInAnyCase() {
    assertThat(roles("api")).containsExactly(Role.API);
    assertThat(roles("worker")).containsExactly(Role.WORKER);
    assertThat(roles("WORKER, api")).containsExactly(Role.API, Role.WORKER);
  }

  @Test
  void anUnknownRoleFailsTheStartNamingTheSetting() {
    assertThatThrownBy(() -> roles("api,gpu")).hasMessageContaining("walt.roles");
  }

  @Test
  void beansAreRegisteredOnlyInProcessesWithTheirRole() {
    ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Parts.class);
    runner.run(context -> assertThat(context).hasBean("workerPool").hasBean("videoController"));
    runner
        .withPropertyValues("walt.roles=worker")
        .run(context -> assertThat(context).hasBean("workerPool").doesNotHaveBean("videoController"));
    runner
        .withPropertyValues("walt.roles=api")
        .run(context -> assertThat(context).hasBean("videoController").doesNotHaveBean("workerPool"));
  }

  @Test
  void rolesSetTheDefaultsOfOpenApiAndTheWorkerSwitch() throws Exception {
    String name = "dev.walt.system.RoleEnvironmentPostProcessor";
    Properties factories =
        PropertiesLoaderUtils.loadProperties(new ClassPathResource("META-INF/spring.factories"));
    assertThat(factories.getProperty(EnvironmentPostProcessor.class.getName(), "").split(","))
        .contains(name);
    Constructor<?> constructor = Class.forName(name).getDeclaredConstructor();
    constructor.setAccessible(true);
    EnvironmentPostProcessor roles = (EnvironmentPostProcessor) constructor.newInstance();

    MockEnvironment worker = new MockEnvironment().withProperty("walt.roles", "worker");
    roles.postProcessEnvironment(worker, new SpringApplication());
    assertThat(worker.getProperty("springdoc.api-docs.enabled")).isEqualTo("false");
    assertThat(worker.getProperty("springdoc.swagger-ui.enabled")).isEqualTo("false");
    assertThat(worker.getProperty("walt.playground.enabled")).isEqualTo("false");

    assertThat(worker.getProperty("walt.worker.enabled")).isNull();

    MockEnvironment api = new MockEnvironment().withProperty("walt.roles", "api");
    roles.postProcessEnvironment(api, new SpringApplication());
    assertThat(api.getProperty("walt.worker.enabled")).isEqualTo("false");
    assertThat(api.getProperty("springdoc.api-docs.enabled")).isNull();

    MockEnvironment both = new MockEnvironment();
    roles.postProcessEnvironment(both, new SpringApplication());
    assertThat(both.getProperty("springdoc.api-docs.enabled")).isNull();
    assertThat(both.getProperty("walt.worker.enabled")).isNull();

    // an explicit setting still wins
    MockEnvironment explicit = new MockEnvironment()
        .withProperty("walt.roles", "worker")
        .withProperty("springdoc.api-docs.enabled", "true");
    roles.postProcessEnvironment(explicit, new SpringApplication());
    assertThat(explicit.getProperty("springdoc.api-docs.enabled")).isEqualTo("true");
  }

  private static java.util.Set<Role> roles(String value) {
    return RoleSettings.from(new MockEnvironment().withProperty("walt.roles", value)).roles();
  }

  @Configuration(proxyBeanMethods = false)
  static class Parts {

    @Bean
    @ConditionalOnRole(Role.WORKER)
    String workerPool() {
      return "claims jobs";
    }

    @Bean
    @ConditionalOnRole(Role.API)
    String videoController() {
      return "serves /v1/videos";
    }
  }
}
