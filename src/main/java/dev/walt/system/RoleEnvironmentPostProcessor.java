package dev.walt.system;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * In a process without the {@code api} role the OpenAPI document and Swagger UI are switched off too,
 * so that a worker serves Actuator and nothing else. Registered in {@code META-INF/spring.factories}.
 * Added last: an explicit {@code springdoc.*} setting still wins.
 */
class RoleEnvironmentPostProcessor implements EnvironmentPostProcessor {

  static final String SOURCE = "waltRoleDefaults";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    if (!RoleSettings.from(environment).has(Role.API)) {
      environment
          .getPropertySources()
          .addLast(
              new MapPropertySource(
                  SOURCE,
                  Map.of("springdoc.api-docs.enabled", "false", "springdoc.swagger-ui.enabled", "false")));
    }
  }
}
