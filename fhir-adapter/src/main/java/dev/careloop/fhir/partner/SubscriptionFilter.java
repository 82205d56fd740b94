package dev.careloop.fhir.partner;

import dev.careloop.fhir.mapping.SearchValues;
import org.hl7.fhir.r4.model.Resource;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One backport-filter-criteria of a Subscription, such as {@code Task?status=completed} or
 * {@code ServiceRequest?patient=Patient/123&requester=Organization/northside-gp}: a resource type, and the search
 * parameters a resource of that type must match, every one of them, to be in a notification; a parameter's
 * comma-separated values are alternatives. A filter without parameters ({@code Task?}) takes every resource of its
 * type.
 * The parameters compare what the facade's search compares ({@link SearchValues}); a resource's patient is the patient
 * of the change it belongs to.
 */
public record SubscriptionFilter(String type, Map<String, List<String>> parameters) {

    /** The longest filter taken. */
    public static final int MAX_LENGTH = 1024;
    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{0,63}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern CODE = Pattern.compile("[a-z][a-z-]{0,63}");
    /** The types without a status element among those the topic notifies of. */
    private static final Set<String> WITHOUT_STATUS = Set.of("Provenance");
    private static final Set<String> ORDERS = Set.of("Task", "ServiceRequest");

    /** A filter CareLoop cannot apply: {@link #getMessage()} says what, in the partner's terms. */
    public static final class Invalid extends IllegalArgumentException {
        Invalid(String message) {
            super(message);
        }
    }

    public SubscriptionFilter {
        // In the order given: the filter is shown back as it was written.
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** The parameters a filter of {@code type} may use. */
    public static List<String> parametersOf(String type) {
        List<String> names = new java.util.ArrayList<>(List.of("_id", "patient"));
        if (!WITHOUT_STATUS.contains(type)) {
            names.add("status");
        }
        if (ORDERS.contains(type)) {
            names.addAll(List.of("owner", "requester"));
        }
        return names;
    }

    /** Reads {@code criteria} ({@code Type}, {@code Type?} or {@code Type?name=value&...}); throws {@link Invalid}. */
    public static SubscriptionFilter parse(String criteria) {
        if (criteria == null || criteria.isBlank()) {
            throw new Invalid("is empty: name a resource type, such as 'Task?'");
        }
        if (criteria.length() > MAX_LENGTH) {
            throw new Invalid("is longer than " + MAX_LENGTH + " characters");
        }
        int question = criteria.indexOf('?');
        String type = question < 0 ? criteria : criteria.substring(0, question);
        if (!TYPE.matcher(type).matches()) {
            throw new Invalid("must start with a resource type, such as 'Task?'");
        }
        List<String> allowed = parametersOf(type);
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        String query = question < 0 ? "" : criteria.substring(question + 1);
        for (String pair : query.isEmpty() ? new String[0] : query.split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            if (!allowed.contains(name)) {
                throw new Invalid("'" + shown(name, "(a parameter)") + "' is not a parameter CareLoop filters " + type
                        + " by (" + String.join(", ", allowed) + ")");
            }
            if (parameters.containsKey(name)) {
                throw new Invalid("names '" + name + "' twice: give its values once, separated by commas");
            }
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            List<String> values = Arrays.stream(value.split(",", -1)).map(v -> normalised(type, name, v)).toList();
            parameters.put(name, values);
        }
        return new SubscriptionFilter(type, parameters);
    }

    /** Whether {@code resource}, of a change about {@code patientId}, is one this filter takes. */
    public boolean matches(Resource resource, String patientId) {
        if (!type.equals(resource.fhirType())) {
            return false;
        }
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            String actual = switch (parameter.getKey()) {
                case "_id" -> resource.getIdElement().getIdPart();
                case "patient" -> patientId;
                case "status" -> SearchValues.status(resource);
                case "owner" -> SearchValues.owner(resource);
                case "requester" -> SearchValues.requester(resource);
                default -> throw new IllegalStateException("no such parameter " + parameter.getKey());
            };
            if (actual == null || !parameter.getValue().contains(actual)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The filter as stored and shown back: the type, then each parameter with its values in the order given, a
     * reference as {@code Type/id}.
     */
    public String criteria() {
        return type + "?" + parameters.entrySet().stream().map(p -> p.getKey() + "=" + p.getValue().stream()
                .map(v -> referenceType(p.getKey()) == null ? v : referenceType(p.getKey()) + "/" + v)
                .collect(Collectors.joining(","))).collect(Collectors.joining("&"));
    }

    /** The type a parameter's values refer to; null for a parameter that is not a reference. */
    private static String referenceType(String parameter) {
        return switch (parameter) {
            case "patient" -> "Patient";
            case "owner", "requester" -> "Organization";
            default -> null;
        };
    }

    /** A value as compared: a reference's id ({@code Patient/123} and {@code 123} alike), a status code as given. */
    private static String normalised(String type, String name, String value) {
        String expected = referenceType(name);
        String id = expected != null && value.startsWith(expected + "/") ? value.substring(expected.length() + 1)
                : value;
        boolean valid = name.equals("status") ? CODE.matcher(value).matches() : ID.matcher(id).matches();
        if (!valid) {
            throw new Invalid("'" + shown(value, "(the value)") + "' is not a "
                    + (name.equals("status") ? "status code of " + type
                    : expected != null ? "reference to " + (expected.startsWith("O") ? "an " : "a ") + expected
                    + " (" + expected + "/{id}) or its id"
                    : "resource id") + " for '" + name + "'");
        }
        return id;
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Invalid("has a malformed %-escape");
        }
    }

    /** A caller's text quoted back only when it is short, visible ASCII; else {@code instead}. */
    private static String shown(String text, String instead) {
        return text.length() <= 64 && text.chars().allMatch(c -> c >= 0x21 && c <= 0x7e) ? text : instead;
    }
}
