package dev.careloop.query;

import jakarta.servlet.http.HttpServletRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** A list's or search's query as the access log keeps it: the parameters as sent, decoded ("" when none). */
public final class AccessQueries {

    private AccessQueries() {
    }

    public static String of(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null) {
            return "";
        }
        try {
            return URLDecoder.decode(query, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // A malformed escape is kept as sent: the log says what was asked, not what we understood.
            return query;
        }
    }
}
