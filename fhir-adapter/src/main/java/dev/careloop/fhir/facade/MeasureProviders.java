package dev.careloop.fhir.facade;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import dev.careloop.api.partnership.FindPartnershipMeasures;
import dev.careloop.api.partnership.ListPartnershipMeasures;
import dev.careloop.api.partnership.PartnershipMeasures;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.NoHandlerForQueryException;
import org.axonframework.queryhandling.QueryGateway;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Measure;
import org.hl7.fhir.r4.model.MeasureReport;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Partnership analytics on {@code /fhir} (docs/FHIR.md): {@code Measure} (every definition, read and search) and
 * {@code MeasureReport} (a partnership's month: read by id, search by {@code period} month, the last 12 by default),
 * only of partnerships the caller's organisation is part of; any other is a 404 and never a hit.
 */
final class MeasureProviders {

    private MeasureProviders() {
    }

    static List<IResourceProvider> all(QueryGateway queries) {
        return List.of(new Measures(), new MeasureReports(queries, Clock.systemUTC()));
    }

    public static final class Measures implements IResourceProvider {

        @Override
        public Class<Measure> getResourceType() {
            return Measure.class;
        }

        @Read
        public Measure read(@IdParam IdType id) {
            return PartnershipMeasureReports.measure(id.getIdPart()).orElseThrow(() -> new ResourceNotFoundException(id));
        }

        @Search
        public IBundleProvider search() {
            return new SimpleBundleProvider(new ArrayList<IBaseResource>(PartnershipMeasureReports.measures()));
        }
    }

    public static final class MeasureReports implements IResourceProvider {
        private final QueryGateway queries;
        private final Clock clock;

        MeasureReports(QueryGateway queries, Clock clock) {
            this.queries = queries;
            this.clock = clock;
        }

        @Override
        public Class<MeasureReport> getResourceType() {
            return MeasureReport.class;
        }

        @Read
        public MeasureReport read(@IdParam IdType id, RequestDetails request) {
            FhirCaller caller = CallerCheck.caller(request);
            PartnershipMeasureReports.ReportId parts = PartnershipMeasureReports.parseReportId(id.getIdPart())
                    .orElseThrow(() -> new ResourceNotFoundException(id));
            PartnershipMeasures found;
            if (parts.readable()) {
                found = answer(queries.query(new FindPartnershipMeasures(caller.organisation(), parts.first(),
                        parts.second(), parts.month()), PartnershipMeasures.class));
            } else {
                // A digest names no organisation: the caller's partnership of the month whose id it is, if any.
                found = answer(queries.query(new ListPartnershipMeasures(caller.organisation(), parts.month(),
                        parts.month()), ResponseTypes.multipleInstancesOf(PartnershipMeasures.class))).stream()
                        .filter(m -> PartnershipMeasureReports.reportId(m).equals(id.getIdPart()))
                        .findFirst().orElse(null);
            }
            // A readable id stands only for the pair whose id it is (never one that would be digested).
            if (found == null || !PartnershipMeasureReports.reportId(found).equals(id.getIdPart())) {
                throw new ResourceNotFoundException(id);
            }
            return PartnershipMeasureReports.report(found);
        }

        /** The caller's partnerships' reports for the month of {@code period} (yyyy-MM), else the last 12 months. */
        @Search
        public IBundleProvider search(@OptionalParam(name = MeasureReport.SP_PERIOD) DateParam period,
                                      RequestDetails request) {
            FhirCaller caller = CallerCheck.caller(request);
            YearMonth to = period == null ? YearMonth.now(clock.withZone(ZoneOffset.UTC)) : month(period);
            YearMonth from = period == null ? to.minusMonths(11) : to;
            List<PartnershipMeasures> all = answer(queries.query(new ListPartnershipMeasures(caller.organisation(),
                    from.toString(), to.toString()), ResponseTypes.multipleInstancesOf(PartnershipMeasures.class)));
            List<IBaseResource> reports = new ArrayList<>();
            all.forEach(m -> reports.add(PartnershipMeasureReports.report(m)));
            return new SimpleBundleProvider(reports);
        }

        /**
         * The query side's answer; a process that runs no query side (the adapter on its own) cannot give one: 503,
         * as for any store that cannot answer.
         */
        private static <T> T answer(CompletableFuture<T> query) {
            try {
                return query.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof NoHandlerForQueryException) {
                    throw new UnclassifiedServerFailureException(503,
                            "partnership analytics are not served by this process");
                }
                throw e;
            }
        }

        /** The month a period parameter names (as written: 2026-12, or a day or instant in it). */
        private static YearMonth month(DateParam period) {
            String value = period.getValueAsString();
            try {
                return YearMonth.parse(value.substring(0, Math.min(7, value.length())));
            } catch (RuntimeException e) {
                throw new InvalidRequestException("period must be a month, yyyy-MM");
            }
        }
    }
}
