package dev.careloop.fhir.facade;

import dev.careloop.api.InputRules;
import dev.careloop.fhir.partner.DeliveryMode;
import dev.careloop.fhir.partner.Notifying;
import dev.careloop.fhir.partner.Partner;
import dev.careloop.fhir.partner.PartnerAuth;
import dev.careloop.fhir.partner.PartnerUrls;
import dev.careloop.fhir.partner.PayloadContent;
import dev.careloop.fhir.partner.SubscriptionFilter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.UnsignedIntType;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Subscription a partner system sends to {@code POST /fhir/Subscription}, checked element by element (every
 * problem named by its FHIRPath, not just the first) and turned into the rest-hook partner that delivers it.
 */
final class SubscriptionRequest {

    static final String BACKPORT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";
    static final String PROFILE = BACKPORT + "backport-subscription";
    static final String FILTER_CRITERIA = BACKPORT + "backport-filter-criteria";
    static final String PAYLOAD_CONTENT = BACKPORT + "backport-payload-content";
    static final String HEARTBEAT_PERIOD = BACKPORT + "backport-heartbeat-period";
    static final String FHIR_JSON = "application/fhir+json";
    /** What a change to a referral and what belongs to it is, as FHIR: the types the topic notifies of. */
    static final List<String> TOPIC_TYPES = List.of("ServiceRequest", "Task", "Communication", "Appointment",
            "DocumentReference", "Consent", "Provenance");
    /** A week: a longer silence tells a partner nothing. */
    static final long MAX_HEARTBEAT_SECONDS = 7 * 24 * 3600;
    private static final int MAX_REASON = 1024;
    private static final int MAX_TOKEN = 4096;
    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)authorization:\\s*bearer\\s+([\\x21-\\x7e]+)\\s*");

    /** A problem with one element: its FHIRPath and what is wrong, in the caller's terms. */
    record Problem(String expression, String message) {
    }

    private final List<Problem> problems = new ArrayList<>();
    private final List<SubscriptionFilter> filters = new ArrayList<>();
    private PayloadContent content = PayloadContent.ID_ONLY;
    private Duration heartbeat;
    private PartnerAuth auth = PartnerAuth.none();
    private final Subscription body;

    /**
     * Checks {@code body} for {@code topic} (the only one CareLoop publishes), with the endpoint policy of partner
     * URLs, for a caller that may read the types {@code mayRead} accepts.
     */
    SubscriptionRequest(Subscription body, String topic, PartnerUrls urls, Predicate<String> mayRead, Instant now) {
        this.body = body;
        checkStatus();
        checkCriteria(topic, mayRead);
        checkChannel(urls);
        String reasonProblem = InputRules.problem(body.getReason(), InputRules.Kind.LINE);
        if (!body.hasReason() || body.getReason().isBlank()) {
            problems.add(new Problem("Subscription.reason", "is required: say what the Subscription is for"));
        } else if (reasonProblem != null || body.getReason().length() > MAX_REASON) {
            problems.add(new Problem("Subscription.reason", reasonProblem != null ? reasonProblem
                    : "is longer than " + MAX_REASON + " characters"));
        }
        if (body.hasEnd() && !body.getEnd().toInstant().isAfter(now)) {
            problems.add(new Problem("Subscription.end", "is not in the future"));
        }
    }

    List<Problem> problems() {
        return List.copyOf(problems);
    }

    private void checkStatus() {
        Subscription.SubscriptionStatus status = body.getStatus();
        if (status != null && status != Subscription.SubscriptionStatus.REQUESTED
                && status != Subscription.SubscriptionStatus.ACTIVE) {
            problems.add(new Problem("Subscription.status", "must be 'requested' (CareLoop sends the handshake and "
                    + "then makes it active), not '" + status.toCode() + "'"));
        }
    }

    private void checkCriteria(String topic, Predicate<String> mayRead) {
        String criteria = body.getCriteria();
        if (criteria == null || criteria.isBlank()) {
            problems.add(new Problem("Subscription.criteria", "is required: the canonical URL of the topic, " + topic));
        } else if (!criteria.equals(topic)) {
            String shown = InputRules.problem(criteria, InputRules.Kind.URL) == null ? "'" + criteria + "'"
                    : "the value sent";
            problems.add(new Problem("Subscription.criteria", shown + " is not a topic CareLoop publishes; the one "
                    + "it does is " + topic));
        }
        List<Extension> filterExtensions = body.getCriteriaElement().getExtensionsByUrl(FILTER_CRITERIA);
        for (int i = 0; i < filterExtensions.size(); i++) {
            String where = "Subscription.criteria.extension('" + FILTER_CRITERIA + "')[" + i + "]";
            String given = filterExtensions.get(i).getValue() instanceof StringType s ? s.getValue() : null;
            SubscriptionFilter filter;
            try {
                filter = SubscriptionFilter.parse(given);
            } catch (SubscriptionFilter.Invalid invalid) {
                problems.add(new Problem(where, invalid.getMessage()));
                continue;
            }
            if (!TOPIC_TYPES.contains(filter.type())) {
                problems.add(new Problem(where, "'" + filter.type() + "' is not a type the topic notifies of ("
                        + String.join(", ", TOPIC_TYPES) + ")"));
            } else if (!mayRead.test(filter.type())) {
                problems.add(new Problem(where, "this token may not read " + filter.type() + " resources (that "
                        + "needs the scope system/" + filter.type() + ".read)"));
            } else if (!filters.contains(filter)) {
                filters.add(filter);
            }
        }
        if (filterExtensions.isEmpty()) {
            // No filter: every type of the topic the token may read.
            TOPIC_TYPES.stream().filter(mayRead).forEach(t -> filters.add(SubscriptionFilter.parse(t + "?")));
            if (filters.isEmpty()) {
                problems.add(new Problem("Subscription.criteria", "this token may read none of the types the topic "
                        + "notifies of (" + String.join(", ", TOPIC_TYPES) + ")"));
            }
        }
    }

    private void checkChannel(PartnerUrls urls) {
        Subscription.SubscriptionChannelComponent channel = body.getChannel();
        if (channel.getType() != Subscription.SubscriptionChannelType.RESTHOOK) {
            problems.add(new Problem("Subscription.channel.type", "must be 'rest-hook', the one channel CareLoop "
                    + "sends notifications on"));
        }
        String endpoint = channel.getEndpoint();
        String endpointProblem = endpoint == null || endpoint.isBlank() ? "is required: the URL notifications go to"
                : InputRules.problem(endpoint, InputRules.Kind.URL);
        if (endpointProblem == null && !isHttpUrl(endpoint)) {
            endpointProblem = "must be an absolute https URL";
        }
        if (endpointProblem == null) {
            endpointProblem = urls.refusal(endpoint).orElse(null);
        }
        if (endpointProblem != null) {
            problems.add(new Problem("Subscription.channel.endpoint", endpointProblem));
        }
        if (channel.hasPayload() && !FHIR_JSON.equals(channel.getPayload().toLowerCase(Locale.ROOT).strip())) {
            problems.add(new Problem("Subscription.channel.payload", "must be '" + FHIR_JSON + "': notifications are "
                    + "FHIR JSON"));
        }
        List<Extension> contents = channel.getPayloadElement().getExtensionsByUrl(PAYLOAD_CONTENT);
        if (contents.size() > 1) {
            problems.add(new Problem("Subscription.channel.payload.extension('" + PAYLOAD_CONTENT + "')",
                    "may be given once"));
        } else if (contents.size() == 1) {
            String code = contents.get(0).getValue() == null ? null : contents.get(0).getValue().primitiveValue();
            Optional<PayloadContent> known = code == null ? Optional.empty() : PayloadContent.fromCode(code);
            if (known.isEmpty()) {
                problems.add(new Problem("Subscription.channel.payload.extension('" + PAYLOAD_CONTENT + "')",
                        "must be 'empty', 'id-only' or 'full-resource'"));
            } else {
                content = known.get();
            }
        }
        List<Extension> heartbeats = channel.getExtensionsByUrl(HEARTBEAT_PERIOD);
        if (heartbeats.size() > 1) {
            problems.add(new Problem("Subscription.channel.extension('" + HEARTBEAT_PERIOD + "')", "may be given once"));
        } else if (heartbeats.size() == 1) {
            Integer seconds = heartbeats.get(0).getValue() instanceof UnsignedIntType u ? u.getValue() : null;
            if (seconds == null || seconds < 1 || seconds > MAX_HEARTBEAT_SECONDS) {
                problems.add(new Problem("Subscription.channel.extension('" + HEARTBEAT_PERIOD + "')",
                        "must be a whole number of seconds from 1 to " + MAX_HEARTBEAT_SECONDS));
            } else {
                heartbeat = Duration.ofSeconds(seconds);
            }
        }
        for (int i = 0; i < channel.getHeader().size(); i++) {
            String header = channel.getHeader().get(i).getValue();
            Matcher bearer = header == null ? null : AUTHORIZATION.matcher(header);
            if (bearer == null || !bearer.matches() || header.length() > MAX_TOKEN || i > 0) {
                problems.add(new Problem("Subscription.channel.header[" + i + "]", "CareLoop sends one header, "
                        + "'Authorization: Bearer {token}' (the token in visible ASCII, at most " + MAX_TOKEN
                        + " characters)"));
            } else {
                auth = PartnerAuth.bearer(bearer.group(1));
            }
        }
    }

    /** The partner that delivers the Subscription, once {@link #problems()} is empty. */
    Partner partner(String id, String organisation, String topic, long startIndex, Instant now) {
        String endpoint = body.getChannel().getEndpoint();
        // The types its filters name: a filter narrows what of its type is sent, never adds a type.
        Set<String> types = filters.stream().map(SubscriptionFilter::type)
                .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new));
        return new Partner(id, organisation, endpoint, DeliveryMode.REST_HOOK, types, auth, false, startIndex, now,
                new Notifying(topic, content, heartbeat, true, filters));
    }

    /** The filters as stored and shown back. */
    List<String> filters() {
        return filters.stream().map(SubscriptionFilter::criteria).toList();
    }

    String reason() {
        return body.getReason();
    }

    Instant end() {
        return body.hasEnd() ? body.getEnd().toInstant() : null;
    }

    private static boolean isHttpUrl(String s) {
        try {
            URI uri = new URI(s);
            return uri.isAbsolute() && uri.getHost() != null
                    && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
