package dev.walt.system;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults that follow from {@code walt.roles}: without the {@code api} role the OpenAPI document,
 * Swagger UI and the playground page are off (a worker serves Actuator and nothing else); without the {@code worker} role
 * {@code walt.worker.enabled} defaults to false. Registered in {@code META-INF/spring.factories}. Added
 * last, so an explicit setting still wins.
 */
class RoleEnvironmentPostProcessor implements EnvironmentPostProcessor {

  static final String SOURCE = "waltRoleDefaults";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    RoleSettings roles = RoleSettings.from(environment);
    Map<String, Object> defaults = new LinkedHashMap<>();
    if (!roles.has(Role.API)) {
      defaults.put("springdoc.api-docs.enabled", "false");
      defaults.put("springdoc.swagger-ui.enabled", "false");
      defaults.put("walt.playground.enabled", "false");
    }
    if (!roles.has(Role.WORKER)) {
      defaults.put("walt.worker.enabled", "false");
    }
    if (!defaults.isEmpty()) {
      environment.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults));
    }
  }
}
