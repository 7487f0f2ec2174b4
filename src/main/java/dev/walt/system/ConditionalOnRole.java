package dev.walt.system;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Registers a bean or configuration only in processes that run the given {@link Role} ({@code
 * walt.roles}, see {@link RoleSettings}). The worker pool carries {@code @ConditionalOnRole(Role.WORKER)},
 * the {@code /v1} controllers {@code @ConditionalOnRole(Role.API)}; beans every process needs (the
 * queue, storage, the database) carry none.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(ConditionalOnRole.OnRole.class)
public @interface ConditionalOnRole {

  /** The role the process must run. */
  Role value();

  /** The condition behind {@link ConditionalOnRole}. */
  final class OnRole implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnRole.class.getName());
      return attributes != null && RoleSettings.from(context.getEnvironment()).has((Role) attributes.get("value"));
    }
  }
}
