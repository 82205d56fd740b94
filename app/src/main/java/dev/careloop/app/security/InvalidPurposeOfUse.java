package dev.careloop.app.security;

/** A REST request stated a purpose of use that is not a code we know: Problems answers 400 naming the codes. */
public final class InvalidPurposeOfUse extends RuntimeException {

    public static final String FIELD = ApiSecurity.PURPOSE_HEADER;

    InvalidPurposeOfUse(String message) {
        super(message, null, false, false);
    }
}
