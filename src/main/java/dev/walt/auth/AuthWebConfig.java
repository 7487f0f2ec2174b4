package dev.walt.auth;

import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Bearer authentication and rate limiting on every {@code /v1} path (unknown ones included). */
@Configuration(proxyBeanMethods = false)
class AuthWebConfig implements WebMvcConfigurer {

  private final ApiKeys keys;
  private final RateLimiter rateLimiter;

  AuthWebConfig(ApiKeys keys, RateLimiter rateLimiter) {
    this.keys = keys;
    this.rateLimiter = rateLimiter;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(new ApiKeyInterceptor(keys, rateLimiter)).addPathPatterns("/v1", "/v1/**");
  }

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(new CallerArgumentResolver());
  }
}
