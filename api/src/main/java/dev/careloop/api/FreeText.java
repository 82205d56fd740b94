package dev.careloop.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Free text a person wrote that is not about a patient's care (why an administrator erased a patient): to
 * {@link InputRules} it may hold tabs and line breaks, as {@link ClinicalText} may, and is never sealed.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface FreeText {
}
