package dev.careloop.web;

import jakarta.servlet.http.HttpServletRequest;

/** The request headers htmx sends (https://htmx.org/reference/#request_headers). */
public final class Htmx {

    private Htmx() {
    }

    /** Whether htmx sent the request (and so wants a fragment, not a whole page). */
    public static boolean isHtmx(HttpServletRequest request) {
        return "true".equals(request.getHeader("HX-Request"));
    }

    /** Whether htmx sent the request for the whole page body (a boosted link or a history restore). */
    public static boolean wantsWholePage(HttpServletRequest request) {
        return !isHtmx(request) || "true".equals(request.getHeader("HX-Boosted"))
                || "true".equals(request.getHeader("HX-History-Restore-Request"));
    }
}
