package dev.careloop.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Free text a person wrote, in a message that is not sealed as {@link ClinicalText} is: a command's reason, note or
 * report on its way to the event that seals it, or an administrator's reason for an erasure. To {@link InputRules}
 * it may hold tabs and line breaks, as clinical text may.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface FreeText {
}
