package dev.careloop.fhir.facade;

import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import dev.careloop.fhir.delivery.SubscriptionChannel;
import dev.careloop.fhir.partner.PartnerSubscription;
import dev.careloop.fhir.partner.PartnerUrls;
import dev.careloop.fhir.partner.PayloadContent;
import dev.careloop.fhir.partner.Subscriptions;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.UnsignedIntType;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code /fhir/Subscription}: R4 Subscriptions Backport topic-based Subscriptions that a partner system creates for
 * its own organisation with its SMART backend-services token ({@code system/Subscription.write}; reading needs
 * {@code system/Subscription.read}). Each is a rest-hook partner ({@link Subscriptions}), delivered by its own
 * processor once the handshake made it active; {@code $status} and {@code $events} answer from the same numbers the
 * notifications carry. Another organisation's Subscription is a 404. A rest-hook partner an administrator registered
 * reads as a Subscription of its organisation, and only an administrator changes it.
 */
public final class SubscriptionProvider implements IResourceProvider {

    private final Subscriptions subscriptions;
    private final SubscriptionChannel channel;
    private final PartnerUrls urls;
    private final Clock clock = Clock.systemUTC();

    SubscriptionProvider(Subscriptions subscriptions, SubscriptionChannel channel, PartnerUrls urls) {
        this.subscriptions = subscriptions;
        this.channel = channel;
        this.urls = urls;
    }

    @Override
    public Class<Subscription> getResourceType() {
        return Subscription.class;
    }

    @Create
    public MethodOutcome create(@ResourceParam Subscription body, RequestDetails request) {
        FhirCaller caller = CallerCheck.caller(request);
        Instant now = clock.instant();
        SubscriptionRequest checked = new SubscriptionRequest(body, channel.topic(), urls,
                type -> caller.may(type, FhirCaller.Access.READ), now);
        refuse(checked.problems());
        String id = UUID.randomUUID().toString();
        var partner = checked.partner(id, caller.organisation(), channel.topic(), channel.head(), now);
        if (!subscriptions.create(partner, checked.filters(), checked.reason(), checked.end(), who(caller))) {
            throw new IllegalStateException("a random Subscription id was taken");
        }
        channel.handshakeSoon(id);
        Subscription created = resource(own(id, caller));
        return new MethodOutcome(created.getIdElement(), true).setResource(created);
    }

    @Read(version = false)
    public Subscription read(@IdParam IdType id, RequestDetails request) {
        return resource(own(id.getIdPart(), CallerCheck.caller(request)));
    }

    /** The organisation's Subscriptions, by {@code status} (several: any) and {@code url} (the endpoint). */
    @Search
    public List<Subscription> search(@OptionalParam(name = Subscription.SP_STATUS) TokenOrListParam status,
                                     @OptionalParam(name = Subscription.SP_URL) UriParam url,
                                     @OptionalParam(name = "_id") TokenOrListParam ids, RequestDetails request) {
        FhirCaller caller = CallerCheck.caller(request);
        Set<String> statuses = codes(status);
        Set<String> wanted = codes(ids);
        return subscriptions.of(caller.organisation()).stream()
                .filter(s -> statuses.isEmpty() || statuses.contains(s.status()))
                .filter(s -> url == null || url.getValue() == null || url.getValue().equals(s.partner().baseUrl()))
                .filter(s -> wanted.isEmpty() || wanted.contains(s.id()))
                .map(this::resource).toList();
    }

    /**
     * Changes the status only (the rest is kept as created; a new endpoint or filter is a new Subscription):
     * {@code off} stops notifications, {@code requested} (or {@code active}) from error or off sends the handshake
     * again.
     */
    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam Subscription body, RequestDetails request) {
        PartnerSubscription current = changeable(id.getIdPart(), CallerCheck.caller(request));
        Subscription.SubscriptionStatus wanted = body.getStatus();
        if (wanted == Subscription.SubscriptionStatus.OFF) {
            subscriptions.status(current.id(), PartnerSubscription.OFF, null);
            channel.stopped(current.id());
        } else if (wanted == Subscription.SubscriptionStatus.REQUESTED
                || wanted == Subscription.SubscriptionStatus.ACTIVE) {
            if (!PartnerSubscription.ACTIVE.equals(current.status())) {
                subscriptions.status(current.id(), PartnerSubscription.REQUESTED, null);
                channel.handshakeSoon(current.id());
            }
        } else {
            refuse(List.of(new SubscriptionRequest.Problem("Subscription.status", "may be set to 'off' (stop) or "
                    + "'requested' (handshake again), not '" + (wanted == null ? "" : wanted.toCode()) + "'")));
        }
        Subscription updated = resource(subscriptions.find(current.id()).orElseThrow());
        return new MethodOutcome(updated.getIdElement(), false).setResource(updated);
    }

    /** Stops notifications for good; a later read is 410 Gone. */
    @Delete
    public MethodOutcome delete(@IdParam IdType id, RequestDetails request) {
        PartnerSubscription current = changeable(id.getIdPart(), CallerCheck.caller(request));
        subscriptions.delete(current.id());
        channel.deleted(current.id());
        return new MethodOutcome();
    }

    /** {@code GET /fhir/Subscription/{id}/$status}: its status, as a searchset of one. */
    @Operation(name = "$status", idempotent = true)
    public Bundle statusOf(@IdParam IdType id, RequestDetails request) {
        return statuses(List.of(own(id.getIdPart(), CallerCheck.caller(request))));
    }

    /** {@code GET /fhir/Subscription/$status?id=&status=}: the organisation's Subscriptions (those ids, statuses). */
    @Operation(name = "$status", idempotent = true)
    public Bundle status(@OperationParam(name = "id") List<StringType> ids,
                         @OperationParam(name = "status") List<CodeType> status, RequestDetails request) {
        FhirCaller caller = CallerCheck.caller(request);
        Set<String> wanted = ids == null ? Set.of() : ids.stream().map(StringType::getValue).collect(Collectors.toSet());
        Set<String> statuses = status == null ? Set.of()
                : status.stream().map(CodeType::getValue).collect(Collectors.toSet());
        return statuses(subscriptions.of(caller.organisation()).stream()
                .filter(s -> wanted.isEmpty() || wanted.contains(s.id()))
                .filter(s -> statuses.isEmpty() || statuses.contains(s.status())).toList());
    }

    /**
     * {@code GET /fhir/Subscription/{id}/$events?eventsSinceNumber=&eventsUntilNumber=&content=}: the events by
     * number (both bounds included; at most {@value SubscriptionChannel#MAX_EVENTS}), so a client recovers what it
     * missed. Without bounds: the latest events.
     */
    @Operation(name = "$events", idempotent = true)
    public Bundle events(@IdParam IdType id, @OperationParam(name = "eventsSinceNumber") StringType since,
                         @OperationParam(name = "eventsUntilNumber") StringType until,
                         @OperationParam(name = "content") CodeType content, RequestDetails request) {
        PartnerSubscription subscription = own(id.getIdPart(), CallerCheck.caller(request));
        long total = channel.eventsSinceStart(subscription.id());
        Long from = number(since, "eventsSinceNumber");
        Long to = number(until, "eventsUntilNumber");
        long last = to == null ? total : Math.min(to, total);
        long first = from != null ? from : Math.max(1, last - SubscriptionChannel.MAX_EVENTS + 1);
        PayloadContent shown = null;
        if (content != null && content.getValue() != null) {
            shown = PayloadContent.fromCode(content.getValue()).orElseThrow(() -> invalid("content",
                    "must be 'empty', 'id-only' or 'full-resource'"));
        }
        return channel.events(subscription, Math.max(1, first), last, shown);
    }

    private static Long number(StringType value, String name) {
        if (value == null || value.getValue() == null) {
            return null;
        }
        try {
            long n = Long.parseLong(value.getValue().strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw invalid(name, "must be an event number (a whole number, 0 or more)");
    }

    private static InvalidRequestException invalid(String parameter, String message) {
        return new InvalidRequestException(parameter + ": " + message,
                Outcomes.error(OperationOutcome.IssueType.INVALID, parameter + " " + message, parameter));
    }

    private Bundle statuses(List<PartnerSubscription> found) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.setId(UUID.randomUUID().toString());
        bundle.setTotal(found.size());
        for (PartnerSubscription subscription : found) {
            Parameters status = channel.status(subscription);
            bundle.addEntry().setFullUrl("urn:uuid:" + status.getIdElement().getIdPart()).setResource(status)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return bundle;
    }

    /** The caller's organisation's Subscription {@code id}: anyone else's, or none, is a 404; a deleted one 410. */
    private PartnerSubscription own(String id, FhirCaller caller) {
        PartnerSubscription found = subscriptions.find(id)
                .filter(s -> s.partner().organisation().equals(caller.organisation()))
                .orElseThrow(() -> new ResourceNotFoundException(new IdType("Subscription", id)));
        if (found.deleted()) {
            throw new ResourceGoneException(new IdType("Subscription", id));
        }
        return found;
    }

    private PartnerSubscription changeable(String id, FhirCaller caller) {
        PartnerSubscription found = own(id, caller);
        if (found.registeredByAdministrator()) {
            throw new ForbiddenOperationException("Subscription/" + id + " was registered by a CareLoop "
                    + "administrator: ask them to change it (POST /api/admin/partners/" + id + "/deactivate)");
        }
        return found;
    }

    private static void refuse(List<SubscriptionRequest.Problem> problems) {
        if (problems.isEmpty()) {
            return;
        }
        OperationOutcome outcome = new OperationOutcome();
        for (SubscriptionRequest.Problem problem : problems) {
            outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(OperationOutcome.IssueType.INVALID).setDiagnostics(problem.message())
                    .addExpression(problem.expression()).addLocation(problem.expression());
        }
        SubscriptionRequest.Problem first = problems.get(0);
        throw new UnprocessableEntityException(first.expression() + ": " + first.message(), outcome);
    }

    private static String who(FhirCaller caller) {
        return caller.actor().client() != null ? caller.actor().client() : caller.actor().userId();
    }

    /** The Subscription as FHIR R4 with the backport profile; never its Authorization header (a secret). */
    private Subscription resource(PartnerSubscription s) {
        Subscription r = new Subscription();
        r.setId(new IdType("Subscription", s.id(), Long.toString(s.version())));
        r.getMeta().setVersionId(Long.toString(s.version())).setLastUpdated(Date.from(s.lastUpdated()))
                .addProfile(SubscriptionRequest.PROFILE);
        r.setStatus(Subscription.SubscriptionStatus.fromCode(s.status()));
        r.setReason(s.reason());
        if (s.end() != null) {
            r.setEndElement(new InstantType(Date.from(s.end())));
        }
        if (s.error() != null) {
            r.setError(s.error());
        }
        String topic = s.partner().notifying().topic() != null ? s.partner().notifying().topic() : channel.topic();
        r.setCriteria(topic);
        s.filterCriteria().forEach(f -> r.getCriteriaElement().addExtension(SubscriptionRequest.FILTER_CRITERIA,
                new StringType(f)));
        Subscription.SubscriptionChannelComponent c = r.getChannel();
        c.setType(Subscription.SubscriptionChannelType.RESTHOOK);
        c.setEndpoint(s.partner().baseUrl());
        c.setPayload(SubscriptionRequest.FHIR_JSON);
        c.getPayloadElement().addExtension(SubscriptionRequest.PAYLOAD_CONTENT,
                new CodeType(s.partner().notifying().content().code()));
        channel.heartbeatPeriod(s.partner()).ifPresent(period -> c.addExtension(
                SubscriptionRequest.HEARTBEAT_PERIOD, new UnsignedIntType(period.toSeconds())));
        return r;
    }

    private static Set<String> codes(TokenOrListParam param) {
        if (param == null) {
            return Set.of();
        }
        return param.getValuesAsQueryTokens().stream().map(TokenParam::getValue).collect(Collectors.toSet());
    }
}
