package dev.careloop.app.web;

import dev.careloop.api.InputRules;
import dev.careloop.api.InputRules.Kind;
import dev.careloop.api.InputRules.Violation;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link InputRules} at the door, before security, MVC or the FHIR facade read anything: every decoded path
 * segment is an id (or a FHIR {@code $operation}), every query parameter a line (an id where it filters by one),
 * and the headers CareLoop reads are lines. A refusal is a 400 naming each parameter, as problem+json (an
 * OperationOutcome under /fhir); nothing was read, so nothing was written.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class InputRulesFilter extends OncePerRequestFilter {

    /** Query parameters that name an id (a platform patient id, a referral, record or appointment). */
    private static final Set<String> ID_PARAMETERS = Set.of("referral", "record", "appointment", "organisation");
    /**
     * Query parameters that name a patient: a platform id, or an MRN as {@code system|value} (a URL, a bar, a value),
     * so a line no longer than an identifier system (255) and a value (128) with the bar between them.
     */
    private static final Set<String> PATIENT_PARAMETERS = Set.of("patient", "identifier");
    static final int PATIENT_MAX = 255 + 1 + 128;
    /** The headers CareLoop reads and carries into the log. */
    private static final List<String> HEADERS = List.of("X-Purpose-Of-Use", "Idempotency-Key", "If-Match",
            "If-None-Match", "X-Request-Id", "Content-Type", "Accept", "Prefer");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        List<Violation> found = new ArrayList<>();
        checkPath(request.getRequestURI(), found);
        boolean fhir = EdgeAnswers.isFhir(request.getRequestURI());
        for (Map.Entry<String, List<String>> parameter : queryOf(request.getQueryString(), found).entrySet()) {
            String name = parameter.getKey();
            String nameProblem = InputRules.problem(name, Kind.LINE);
            if (nameProblem != null || name.length() > 64) {
                found.add(new Violation("query parameter", nameProblem == null ? "has a name longer than 64 characters"
                        : "has a name that " + nameProblem));
                continue;
            }
            // FHIR search parameters hold references (Patient/123) and prefixes (gt2026-01-01): lines there.
            Kind kind = !fhir && !PATIENT_PARAMETERS.contains(name) && (ID_PARAMETERS.contains(name)
                    || InputRules.kindOf(name) == Kind.ID) ? Kind.ID : Kind.LINE;
            for (String value : parameter.getValue()) {
                String problem = InputRules.problem(value, kind);
                if (problem == null && !fhir && PATIENT_PARAMETERS.contains(name) && value.length() > PATIENT_MAX) {
                    problem = "is longer than " + PATIENT_MAX + " characters (an identifier system and a value as "
                            + "system|value at most)";
                }
                add(found, name, problem);
            }
        }
        for (String header : HEADERS) {
            for (Enumeration<String> values = request.getHeaders(header); values.hasMoreElements(); ) {
                add(found, header, InputRules.problem(values.nextElement(), Kind.LINE));
            }
        }
        if (!found.isEmpty()) {
            EdgeAnswers.write(response, request.getRequestURI(), 400, found.size() + " parameter(s) are invalid",
                    found);
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * The query string's parameters, decoded as UTF-8. Read here rather than through the container, which would
     * also read a form body; a query that cannot be decoded is itself a violation.
     */
    private static Map<String, List<String>> queryOf(String query, List<Violation> found) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            try {
                String name = decode(equals < 0 ? pair : pair.substring(0, equals), true);
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1), true);
                parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                found.add(new Violation("query", "cannot be read: it is not valid percent-encoded UTF-8"));
                return Map.of();
            }
        }
        return parameters;
    }

    /** Each segment of the path, decoded: an id, or a FHIR operation ($validate) or search (_history). */
    private static void checkPath(String uri, List<Violation> found) {
        for (String raw : uri.split("/")) {
            int parameters = raw.indexOf(';');
            String segment = parameters >= 0 ? raw.substring(0, parameters) : raw;
            if (segment.isEmpty()) {
                continue;
            }
            String decoded;
            try {
                decoded = decode(segment, false);
            } catch (IllegalArgumentException e) {
                found.add(new Violation("path", "is not valid percent-encoded UTF-8"));
                return;
            }
            String id = decoded.startsWith("$") ? decoded.substring(1) : decoded;
            String problem = InputRules.problem(id, Kind.ID);
            if (problem != null) {
                found.add(new Violation("path", "segment " + (decoded.length() > 64 ? "" : "'" + printable(decoded)
                        + "' ") + problem));
            }
        }
    }

    /**
     * Percent-decoding as strict UTF-8: bytes that are not UTF-8 (an encoded lone surrogate) are refused, not
     * replaced; {@code +} is a space in a query only.
     */
    static String decode(String encoded, boolean query) {
        byte[] bytes = new byte[encoded.length()];
        int n = 0;
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("incomplete escape");
                }
                bytes[n++] = (byte) Integer.parseInt(encoded.substring(i + 1, i + 3), 16);
                i += 2;
            } else if (c == '+' && query) {
                bytes[n++] = ' ';
            } else if (c > 0x7F) {
                throw new IllegalArgumentException("not ASCII");
            } else {
                bytes[n++] = (byte) c;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8", e);
        }
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> out.append(cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || Character.isSurrogate(
                (char) cp) && cp <= 0xFFFF ? "?" : new String(Character.toChars(cp))));
        return out.toString();
    }

    private static void add(List<Violation> found, String field, String problem) {
        if (problem != null) {
            found.add(new Violation(field, problem));
        }
    }
}
