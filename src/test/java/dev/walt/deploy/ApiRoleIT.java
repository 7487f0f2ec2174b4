package dev.walt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walt.system.Role;
import dev.walt.system.RoleSettings;
import dev.walt.testing.WaltIntegrationTest;
import dev.walt.worker.WorkerPool;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;

/**
 * The whole application as the chart's and compose's API process ({@code walt.roles=api}): no worker
 * pool bean, and {@code walt.worker.enabled} defaults to false.
 */
@WaltIntegrationTest(properties = "walt.roles=api")
class ApiRoleIT {

  @Autowired ApplicationContext context;
  @Autowired RoleSettings roles;
  @Autowired Environment environment;

  @Test
  void anApiProcessStartsNoWorkers() {
    assertThat(roles.has(Role.API)).isTrue();
    assertThat(roles.has(Role.WORKER)).isFalse();
    assertThat(context.getBeanNamesForType(WorkerPool.class)).isEmpty();
    assertThat(environment.getProperty("walt.worker.enabled")).isEqualTo("false");
  }
}
