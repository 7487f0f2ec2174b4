package dev.walt.deploy;

import static dev.walt.deploy.Manifests.at;
import static dev.walt.deploy.Manifests.atMap;
import static dev.walt.deploy.Manifests.env;
import static dev.walt.deploy.Manifests.maps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code helm/walt} rendered by the real helm (helm-java bundles it as a native library): lint, then
 * {@code template} with the default values, with GPU workers and KEDA, with an existing Secret, with
 * ingress and autoscaling, and without the migration hook; the rendered objects are checked.
 */
class HelmChartTest {

  static final String API = "walt-api";
  static final String WORKER = "walt-worker";

  @Test
  void lintFindsNothingInStrictMode() {
    LintResult lint = new Helm(Manifests.CHART).lint().strict().call();
    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @Test
  void defaultValuesRenderApiWorkerMigrationAndDisruptionBudgets() {
    Manifests m = Manifests.render(Map.of());

    assertThat(m.names())
        .containsExactlyInAnyOrder(
            "ServiceAccount/walt",
            "Secret/walt",
            "Secret/walt-migrate",
            "ConfigMap/walt",
            "Service/walt",
            "Deployment/walt-api",
            "Deployment/walt-worker",
            "Job/walt-migrate",
            "PodDisruptionBudget/walt-api",
            "PodDisruptionBudget/walt-worker",
            "Pod/walt-test-connection");

    Map<String, Object> api = m.get("Deployment", API);
    Map<String, Object> apiContainer = atMap(api, "spec.template.spec.containers[0]");
    assertThat(at(api, "spec.replicas")).isEqualTo(2);
    assertThat(at(apiContainer, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
    assertThat(at(apiContainer, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
    assertThat(at(apiContainer, "startupProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
    assertThat(at(apiContainer, "ports[0].containerPort")).isEqualTo(8080);
    assertThat(at(apiContainer, "image")).isEqualTo("ghcr.io/walt-dev/walt:0.1.0");
    assertThat(env(apiContainer).get("WALT_ROLES")).containsEntry("value", "api");
    assertThat(env(apiContainer).get("SPRING_FLYWAY_ENABLED")).containsEntry("value", "false");
    assertThat(at(m.get("Service", "walt"), "spec.selector"))
        .isEqualTo(at(api, "spec.selector.matchLabels"))
        .isEqualTo(Map.of(
            "app.kubernetes.io/name", "walt",
            "app.kubernetes.io/instance", "walt",
            "app.kubernetes.io/component", "api"));

    Map<String, Object> worker = m.get("Deployment", WORKER);
    Map<String, Object> workerPod = atMap(worker, "spec.template.spec");
    Map<String, Object> workerContainer = atMap(workerPod, "containers[0]");
    assertThat(at(worker, "spec.replicas")).isEqualTo(1);
    assertThat(env(workerContainer).get("WALT_ROLES")).containsEntry("value", "worker");
    assertThat(env(workerContainer).get("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE"))
        .containsEntry("value", "585s");
    assertThat(env(workerContainer).get("WALT_WORKER_DRAIN_GRACE_PERIOD")).containsEntry("value", "570s");
    assertThat(env(workerContainer).get("WALT_WORKER_THREADS")).containsEntry("value", "1");
    assertThat(at(workerPod, "terminationGracePeriodSeconds")).isEqualTo(600);
    assertThat(env(apiContainer)).doesNotContainKeys("WALT_WORKER_THREADS", "WALT_WORKER_DRAIN_GRACE_PERIOD");

    // one pepper for every pod, generated when not given; the admin key too
    Map<String, Object> secret = atMap(m.get("Secret", "walt"), "stringData");
    assertThat((String) secret.get("api-key-pepper")).hasSize(48);
    assertThat((String) secret.get("admin-key")).startsWith("walt_admin_").hasSize(51);
    for (Map<String, Object> container : List.of(apiContainer, workerContainer)) {
      assertThat(at(env(container).get("WALT_AUTH_PEPPER"), "valueFrom.secretKeyRef"))
          .isEqualTo(Map.of("name", "walt", "key", "api-key-pepper"));
      assertThat(at(env(container).get("WALT_AUTH_ADMIN_KEY"), "valueFrom.secretKeyRef"))
          .isEqualTo(Map.of("name", "walt", "key", "admin-key", "optional", true));
    }
    assertThat(atMap(m.get("ConfigMap", "walt"), "data"))
        .containsEntry("WALT_WEBHOOKS_ALLOW_HTTP", "false")
        .containsEntry("WALT_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", "false");
    assertThat(at(workerContainer, "image")).isEqualTo("ghcr.io/walt-dev/walt:0.1.0");
    assertThat(atMap(workerContainer, "resources.limits")).doesNotContainKey("nvidia.com/gpu");
    assertThat(workerPod).doesNotContainKeys("nodeSelector", "tolerations", "runtimeClassName");
    assertThat(at(workerContainer, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
    assertThat(at(workerContainer, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
    // slow model loading: the startup probe allows at least ten minutes
    assertThat((Integer) at(workerContainer, "startupProbe.periodSeconds")
            * (Integer) at(workerContainer, "startupProbe.failureThreshold"))
        .isGreaterThanOrEqualTo(600);

    assertThat(at(m.get("PodDisruptionBudget", "walt-worker"), "spec.selector.matchLabels"))
        .isEqualTo(at(worker, "spec.selector.matchLabels"));
    assertThat(at(m.get("PodDisruptionBudget", "walt-api"), "spec.maxUnavailable")).isEqualTo(1);
  }

  @Test
  void everyPodRunsNonRootWithReadOnlyRootAndWritableTmp() {
    Manifests m = Manifests.render(Map.of("worker.gpu.count", 1));
    List<Map<String, Object>> pods = new ArrayList<>();
    for (String kind : List.of("Deployment", "Job")) {
      m.ofKind(kind).forEach(o -> pods.add(atMap(o, "spec.template.spec")));
    }
    m.ofKind("Pod").forEach(o -> pods.add(atMap(o, "spec")));
    assertThat(pods).hasSize(4);
    for (Map<String, Object> pod : pods) {
      assertThat(at(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
      assertThat(at(pod, "securityContext.runAsUser")).isEqualTo(10001);
      assertThat(at(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
      assertThat(at(pod, "automountServiceAccountToken")).isEqualTo(false);
      List<String> volumes = new ArrayList<>();
      maps(pod.get("volumes")).forEach(v -> {
        assertThat(v).containsKey("emptyDir");
        volumes.add((String) v.get("name"));
      });
      for (Map<String, Object> container : maps(pod.get("containers"))) {
        assertThat(at(container, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(at(container, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(at(container, "securityContext.runAsNonRoot")).isEqualTo(true);
        assertThat(at(container, "securityContext.capabilities.drop")).isEqualTo(List.of("ALL"));
        Map<String, String> mounts = new java.util.HashMap<>();
        maps(container.get("volumeMounts")).forEach(v -> mounts.put((String) v.get("mountPath"), (String) v.get("name")));
        assertThat(mounts).containsKey("/tmp");
        assertThat(volumes).containsAll(mounts.values());
      }
    }
  }

  @Test
  void migrationsRunOnceInAHookJobBeforeInstallAndUpgrade() {
    Manifests m = Manifests.render(Map.of("database.password", "s3cret"));
    Map<String, Object> job = m.get("Job", "walt-migrate");
    Map<String, Object> annotations = atMap(job, "metadata.annotations");
    assertThat(annotations)
        .containsEntry("helm.sh/hook", "pre-install,pre-upgrade")
        .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded");
    Map<String, Object> container = atMap(job, "spec.template.spec.containers[0]");
    assertThat(at(container, "args")).isEqualTo(List.of("migrate"));
    assertThat(at(job, "spec.template.spec.restartPolicy")).isEqualTo("Never");
    assertThat(atMap(job, "spec.template.spec")).doesNotContainKey("serviceAccountName");

    // its Secret is a hook too, created before the Job (lower weight): the release's Secret does not
    // exist yet at pre-install
    Map<String, Object> secret = m.get("Secret", "walt-migrate");
    assertThat(atMap(secret, "metadata.annotations")).containsEntry("helm.sh/hook", "pre-install,pre-upgrade");
    assertThat(Integer.parseInt((String) atMap(secret, "metadata.annotations").get("helm.sh/hook-weight")))
        .isLessThan(Integer.parseInt((String) annotations.get("helm.sh/hook-weight")));
    assertThat(atMap(secret, "stringData"))
        .containsEntry("database-url", "jdbc:postgresql://walt-postgresql:5432/walt?sslmode=prefer")
        .containsEntry("database-password", "s3cret");
    for (String name : List.of("WALT_DB_URL", "WALT_DB_USER", "WALT_DB_PASSWORD")) {
      assertThat(at(env(container).get(name), "valueFrom.secretKeyRef.name")).isEqualTo("walt-migrate");
    }

    // with migrations off there is no hook, and the pods migrate themselves (Flyway's advisory lock)
    Manifests off = Manifests.render(Map.of("migrations.enabled", false));
    assertThat(off.kinds()).doesNotContain("Job");
    assertThat(off.names()).doesNotContain("Secret/walt-migrate");
    for (Map<String, Object> c : off.appContainers()) {
      assertThat(env(c)).doesNotContainKey("SPRING_FLYWAY_ENABLED");
    }
  }

  @Test
  void gpuWorkersRequestGpusOnGpuNodesAndKedaScalesThemOnQueueDepth() {
    Manifests m = Manifests.render(Map.of(
        "worker.gpu.count", 2,
        "worker.keda.enabled", true,
        "worker.keda.jobsPerPod", 3,
        "worker.nodeSelector.pool", "video",
        "database.host", "db.internal",
        "database.password", "it's\\secret"));

    Map<String, Object> worker = m.get("Deployment", WORKER);
    Map<String, Object> pod = atMap(worker, "spec.template.spec");
    Map<String, Object> container = atMap(pod, "containers[0]");
    assertThat(atMap(container, "resources.limits")).containsEntry("nvidia.com/gpu", 2).containsEntry("memory", "8Gi");
    assertThat(atMap(container, "resources.requests")).containsEntry("nvidia.com/gpu", 2).containsEntry("cpu", "2");
    assertThat(at(container, "image")).isEqualTo("ghcr.io/walt-dev/walt:0.1.0-cuda");
    // one worker thread per GPU
    assertThat(env(container).get("WALT_WORKER_THREADS")).containsEntry("value", "2");
    assertThat(atMap(pod, "nodeSelector"))
        .isEqualTo(Map.of("nvidia.com/gpu.present", "true", "pool", "video"));
    assertThat(maps(pod.get("tolerations")))
        .containsExactly(Map.of("key", "nvidia.com/gpu", "operator", "Exists", "effect", "NoSchedule"));
    // KEDA owns the replica count
    assertThat(atMap(worker, "spec")).doesNotContainKey("replicas");
    // the API never gets GPUs or the GPU placement
    Map<String, Object> apiPod = atMap(m.get("Deployment", API), "spec.template.spec");
    assertThat(apiPod).doesNotContainKeys("nodeSelector", "tolerations");
    assertThat(atMap(apiPod, "containers[0].resources.limits")).doesNotContainKey("nvidia.com/gpu");

    Map<String, Object> scaled = m.get("ScaledObject", WORKER);
    assertThat(at(scaled, "apiVersion")).isEqualTo("keda.sh/v1alpha1");
    assertThat(at(scaled, "spec.scaleTargetRef.name")).isEqualTo(WORKER);
    Map<String, Object> trigger = maps(at(scaled, "spec.triggers")).get(0);
    assertThat(trigger.get("type")).isEqualTo("postgresql");
    assertThat(atMap(trigger, "metadata"))
        .containsEntry(
            "query",
            "SELECT CEIL(COUNT(*)::float / 3) FROM video_jobs WHERE status IN ('queued', 'in_progress')")
        .containsEntry("targetQueryValue", "1");
    assertThat(at(trigger, "authenticationRef.name")).isEqualTo(WORKER);

    Map<String, Object> auth = m.get("TriggerAuthentication", WORKER);
    Map<String, Object> ref = maps(at(auth, "spec.secretTargetRef")).get(0);
    assertThat(ref).isEqualTo(Map.of("parameter", "connection", "name", "walt", "key", "keda-connection"));
    assertThat(atMap(m.get("Secret", "walt"), "stringData"))
        .containsEntry(
            "keda-connection",
            "host=db.internal port=5432 user=walt password='it\\'s\\\\secret' dbname=walt sslmode=prefer");
  }

  @Test
  void anExistingSecretReplacesTheChartsSecrets() {
    Manifests m = Manifests.render(Map.of("secrets.existingSecret", "walt-credentials", "worker.keda.enabled", true));
    assertThat(m.kinds()).doesNotContain("Secret");
    List<Map<String, Object>> containers = m.appContainers();
    assertThat(containers).hasSize(3); // api, worker, migrate
    for (Map<String, Object> container : containers) {
      List<Object> secretNames = new ArrayList<>();
      env(container).values().forEach(e -> {
        Object name = at(e, "valueFrom.secretKeyRef.name");
        if (name != null) {
          secretNames.add(name);
        }
      });
      assertThat(secretNames).isNotEmpty().containsOnly("walt-credentials");
    }
    assertThat(at(m.get("TriggerAuthentication", WORKER), "spec.secretTargetRef[0].name"))
        .isEqualTo("walt-credentials");
    // pods are not annotated with a checksum of a Secret the chart does not render
    assertThat(atMap(m.get("Deployment", API), "spec.template.metadata.annotations"))
        .containsKey("checksum/config")
        .doesNotContainKey("checksum/secret");
  }

  @Test
  void everySecretKeyReferencedIsOneTheChartsSecretsHold() {
    Manifests m = Manifests.render(Map.of("worker.keda.enabled", true));
    Map<String, Map<String, Object>> secrets = new java.util.HashMap<>();
    m.ofKind("Secret").forEach(s -> secrets.put((String) at(s, "metadata.name"), atMap(s, "stringData")));
    for (Map<String, Object> container : m.appContainers()) {
      env(container).forEach((name, entry) -> {
        Object secret = at(entry, "valueFrom.secretKeyRef.name");
        if (secret != null) {
          assertThat(secrets).containsKey((String) secret);
          assertThat(secrets.get(secret)).as(name).containsKey((String) at(entry, "valueFrom.secretKeyRef.key"));
        }
      });
      assertThat(secrets).containsKey("walt");
    }
    Map<String, Object> ref = maps(at(m.get("TriggerAuthentication", WORKER), "spec.secretTargetRef")).get(0);
    assertThat(secrets.get(ref.get("name"))).containsKey((String) ref.get("key"));
  }

  @Test
  void givenAuthSecretsAreUsedAsIs() {
    Manifests m = Manifests.render(Map.of("auth.pepper", "p".repeat(40), "auth.adminKey", "admin-123"));
    assertThat(atMap(m.get("Secret", "walt"), "stringData"))
        .containsEntry("api-key-pepper", "p".repeat(40))
        .containsEntry("admin-key", "admin-123");
  }

  @Test
  void ingressAndAutoscalingAreOptional() {
    Manifests m = Manifests.render(Map.of(
        "ingress.enabled", true,
        "ingress.className", "nginx",
        "ingress.hosts[0].host", "videos.example.com",
        "ingress.hosts[0].paths[0].path", "/",
        "ingress.hosts[0].paths[0].pathType", "Prefix",
        "autoscaling.enabled", true));
    Map<String, Object> ingress = m.get("Ingress", "walt");
    assertThat(at(ingress, "spec.ingressClassName")).isEqualTo("nginx");
    assertThat(at(ingress, "spec.rules[0].host")).isEqualTo("videos.example.com");
    assertThat(at(ingress, "spec.rules[0].http.paths[0].backend.service.name")).isEqualTo("walt");
    Map<String, Object> hpa = m.get("HorizontalPodAutoscaler", API);
    assertThat(at(hpa, "spec.scaleTargetRef.name")).isEqualTo(API);
    assertThat(atMap(m.get("Deployment", API), "spec")).doesNotContainKey("replicas");
  }

  @Test
  void kedaRefusesLessThanOneJobPerPod() {
    assertThatThrownBy(() -> Manifests.render(Map.of("worker.keda.enabled", true, "worker.keda.jobsPerPod", 0)))
        .hasMessageContaining("jobsPerPod must be at least 1");
  }
}
