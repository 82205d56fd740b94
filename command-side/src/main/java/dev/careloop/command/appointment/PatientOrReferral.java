package dev.careloop.command.appointment;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An appointment is either for a referral (its patient comes from the referral) or for a named patient; a
 * request naming neither is reported on its {@code patient} field, next to any other bad field.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = PatientOrReferral.Check.class)
@interface PatientOrReferral {

    String message() default "is required unless the appointment is for a referral (referralId)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** What a request with a patient and a referral id looks like to the check. */
    interface ForWhom {
        String referralId();

        Object patient();
    }

    class Check implements ConstraintValidator<PatientOrReferral, ForWhom> {
        @Override
        public boolean isValid(ForWhom request, ConstraintValidatorContext context) {
            if (request == null || request.referralId() != null || request.patient() != null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                    .addPropertyNode("patient").addConstraintViolation();
            return false;
        }
    }
}
