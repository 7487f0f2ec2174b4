package dev.walt.system;

import java.util.EnumSet;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;
import org.springframework.validation.annotation.Validated;

/**
 * Which parts of the service run in this process.
 *
 * @param roles {@code walt.roles}, env {@code WALT_ROLES}: {@code api}, {@code worker} or both,
 *     comma-separated (default both). With {@code worker} alone no {@code /v1} endpoint is served, only
 *     Actuator; with {@code api} alone no worker pool starts. An empty value means both.
 */
@ConfigurationProperties("walt")
@Validated
public record RoleSettings(@DefaultValue({"api", "worker"}) Set<Role> roles) {

  public RoleSettings {
    roles = roles == null || roles.isEmpty() ? EnumSet.allOf(Role.class) : EnumSet.copyOf(roles);
  }

  /**
   * The roles configured in {@code environment}, bound as for this record (relaxed names: {@code
   * api,worker}, {@code API}); for conditions, which run before the settings beans exist. An unknown
   * role fails the start with the binder's message.
   */
  public static RoleSettings from(Environment environment) {
    return new RoleSettings(
        Binder.get(environment).bind("walt.roles", Bindable.setOf(Role.class)).orElse(EnumSet.allOf(Role.class)));
  }

  /** Whether this process runs {@code role}. */
  public boolean has(Role role) {
    return roles.contains(role);
  }
}
