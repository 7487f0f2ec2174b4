package dev.walt.system;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}): title, version
 * and the bearer API-key security scheme {@value #SECURITY_SCHEME} that every {@code /v1} operation uses.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  /** Name of the security scheme: {@code Authorization: Bearer <api key>}. */
  static final String SECURITY_SCHEME = "apiKey";

  @Bean
  OpenAPI waltOpenApi(ObjectProvider<BuildProperties> build) {
    BuildProperties properties = build.getIfAvailable();
    String version = properties != null ? properties.getVersion() : versionFromManifest();
    return new OpenAPI()
        .info(
            new Info()
                .title("walt")
                .version(version)
                .description(
                    "Asynchronous text-to-video and image-to-video generation with W.A.L.T. "
                        + "Submit a job with POST /v1/videos, poll or subscribe for its status, "
                        + "download the MP4 through a signed URL. Errors are RFC 9457 problem details.")
                .license(new License().name("Apache-2.0")))
        .components(
            new Components()
                .addSecuritySchemes(
                    SECURITY_SCHEME,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("An API key: Authorization: Bearer <api key>")))
        .addSecurityItem(new SecurityRequirement().addList(SECURITY_SCHEME));
  }

  private static String versionFromManifest() {
    String version = OpenApiConfiguration.class.getPackage().getImplementationVersion();
    return version != null ? version : "dev";
  }
}
