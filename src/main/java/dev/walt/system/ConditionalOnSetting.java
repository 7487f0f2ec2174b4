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
 * Matches when a setting is present (non-blank) or, with {@code present = false}, absent or blank.
 * The embedded default uses it: {@code @ConditionalOnSetting(value = "walt.db.url", present = false)}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(ConditionalOnSetting.OnSetting.class)
public @interface ConditionalOnSetting {

  /** The property name, e.g. {@code walt.s3.endpoint}. */
  String value();

  /** {@code true}: match when set to a non-blank value; {@code false}: match when absent or blank. */
  boolean present() default true;

  /** The condition behind {@link ConditionalOnSetting}. */
  final class OnSetting implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnSetting.class.getName());
      if (attributes == null) {
        return false;
      }
      String value = context.getEnvironment().getProperty((String) attributes.get("value"));
      boolean set = value != null && !value.isBlank();
      return set == (Boolean) attributes.get("present");
    }
  }
}
