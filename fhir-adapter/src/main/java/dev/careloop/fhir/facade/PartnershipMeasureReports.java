package dev.careloop.fhir.facade;

import dev.careloop.api.partnership.GoalMeasure;
import dev.careloop.api.partnership.PartnershipMeasures;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Measure;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedArtifact;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Map.entry;

/**
 * Partnership analytics as FHIR R4 (docs/ANALYTICS.md, docs/FHIR.md): a {@code Measure} per definition (each
 * {@link GoalMeasure}), a composite {@code Measure/partnership} made of them, and a {@code MeasureReport} per
 * partnership and month whose groups score each definition. Ids: the measure's code; the report's
 * {@code {first}.{second}.{yyyy-MM}}, the two organisations' ids in order, or a digest of them where that would not
 * be a valid and unambiguous FHIR id ({@link #reportId}).
 */
final class PartnershipMeasureReports {

    static final String BASE = "https://careloop.dev/fhir/";
    static final String MEASURE_URL = BASE + "Measure/";
    static final String COMPOSITE = "partnership";
    static final String CODE_SYSTEM = BASE + "CodeSystem/partnership-measure";
    static final String PARTY_EXTENSION = BASE + "StructureDefinition/partnership-organization";
    private static final String POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population";
    private static final String SCORING = "http://terminology.hl7.org/CodeSystem/measure-scoring";
    private static final String IMPROVEMENT = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation";
    private static final String MEASURE_TYPE = "http://terminology.hl7.org/CodeSystem/measure-type";
    private static final String UCUM = "http://unitsofmeasure.org";
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9-]+");
    private static final Pattern READABLE_REPORT_ID =
            Pattern.compile("([A-Za-z0-9-]+)\\.([A-Za-z0-9-]+)\\.(\\d{4}-\\d{2})");
    private static final Pattern DIGESTED_REPORT_ID = Pattern.compile("p-[0-9a-f]{40}\\.(\\d{4}-\\d{2})");

    private static final Map<String, String> RATES = Map.ofEntries(
            entry("slaMetRate", "Share of referrals triaged (accepted or declined) by the due time of their "
                    + "priority's SLA"),
            entry(GoalMeasure.LOOP_CLOSURE_RATE, "Share of referrals, neither declined nor cancelled, whose outcome "
                    + "was acknowledged less than 30 days after they were sent (closing the referral loop)"),
            entry(GoalMeasure.RECIPROCITY, "Referrals the less active side sent over those the more active side "
                    + "sent: 1 when both ways are equal"),
            entry("leakageRate", "Share of declined or cancelled referrals not sent again for the patient and "
                    + "service within the network within 30 days"));
    private static final Map<String, String> STEPS = Map.ofEntries(
            entry("sentToAccepted", "from the referral sent to accepted (triage)"),
            entry("sentToBooked", "from the referral sent to its first visit booked"),
            entry("sentToSeen", "from the referral sent to the first visit the patient came to"),
            entry("sentToOutcome", "from the referral sent to its outcome (consult report) sent"),
            entry("outcomeToAcknowledged", "from the outcome sent to its acknowledgement"),
            entry("sentToAcknowledged", "from the referral sent to its outcome acknowledged (the loop closed)"),
            entry("sentToEarliestSlot", "from the referral sent to the earliest appointment slot offered"));

    private PartnershipMeasureReports() {
    }

    /** Every Measure: the composite first, then each definition. */
    static List<Measure> measures() {
        List<Measure> all = new ArrayList<>();
        all.add(measure(COMPOSITE).orElseThrow());
        for (String code : GoalMeasure.codes()) {
            all.add(measure(code).orElseThrow());
        }
        return all;
    }

    static Optional<Measure> measure(String id) {
        Measure m = new Measure();
        if (COMPOSITE.equals(id)) {
            m.setId(COMPOSITE);
            m.setUrl(MEASURE_URL + COMPOSITE);
            m.setName("Partnership");
            m.setTitle("Referral partnership measures");
            m.setStatus(Enumerations.PublicationStatus.ACTIVE);
            m.setDescription("How a referral partnership between two organisations works in a month (UTC, by the "
                    + "month referrals were sent), both directions together: each of the measures it is made of.");
            m.addType(concept(MEASURE_TYPE, "composite", "Composite"));
            for (String code : GoalMeasure.codes()) {
                m.addRelatedArtifact(new RelatedArtifact().setType(RelatedArtifact.RelatedArtifactType.COMPOSEDOF)
                        .setResource(MEASURE_URL + code));
            }
            return Optional.of(m);
        }
        GoalMeasure measure = GoalMeasure.of(id);
        if (measure == null) {
            return Optional.empty();
        }
        m.setId(id);
        m.setUrl(MEASURE_URL + id);
        m.setName(name(id));
        m.setTitle(title(measure));
        m.setStatus(Enumerations.PublicationStatus.ACTIVE);
        m.setDescription(description(measure));
        boolean hours = measure.turnaround() != null;
        m.setScoring(concept(SCORING, hours ? "continuous-variable" : GoalMeasure.RECIPROCITY.equals(id) ? "ratio"
                : "proportion", null));
        m.setImprovementNotation(concept(IMPROVEMENT,
                measure.comparison() == GoalMeasure.Comparison.AT_LEAST ? "increase" : "decrease", null));
        return Optional.of(m);
    }

    /**
     * The report's id, a valid FHIR id ([A-Za-z0-9-.]{1,64}) for any two organisation ids the platform accepts (64
     * letters, digits, '.', '_' or '-' each): {@code {first}.{second}.{yyyy-MM}} when both ids are letters, digits
     * and dashes only and it fits in 64 characters (readable, and what the ids were before); otherwise
     * {@code p-{40 hex digits}.{yyyy-MM}}, the first 160 bits of SHA-256 over the two ids (a dot, an underscore or a
     * long id would make the readable form invalid or ambiguous: "a.b"+"c" and "a"+"b.c"). The two forms never meet:
     * the readable one has two dots, the digested one one.
     */
    static String reportId(PartnershipMeasures measures) {
        return reportId(measures.organisation(), measures.partner(), measures.month());
    }

    static String reportId(String first, String second, String month) {
        String readable = first + "." + second + "." + month;
        if (PLAIN_ID.matcher(first).matches() && PLAIN_ID.matcher(second).matches() && readable.length() <= 64) {
            return readable;
        }
        return "p-" + HexFormat.of().formatHex(Arrays.copyOf(sha256(first + "\n" + second), 20)) + "." + month;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * What a report id says: both organisations and the month when it is readable, else only the month (the reader
     * then finds the caller's partnership of that month whose id it is). Empty when it is no report id.
     */
    static Optional<ReportId> parseReportId(String id) {
        Matcher readable = READABLE_REPORT_ID.matcher(id == null ? "" : id);
        Matcher digested = DIGESTED_REPORT_ID.matcher(id == null ? "" : id);
        ReportId read = readable.matches() ? new ReportId(readable.group(1), readable.group(2), readable.group(3))
                : digested.matches() ? new ReportId(null, null, digested.group(1)) : null;
        return read != null && isMonth(read.month()) ? Optional.of(read) : Optional.empty();
    }

    private static boolean isMonth(String month) {
        try {
            YearMonth.parse(month);
            return true;
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    /** A report id read: the two organisations (null when digested) and the month. */
    record ReportId(String first, String second, String month) {

        boolean readable() {
            return first != null;
        }
    }

    static MeasureReport report(PartnershipMeasures measures) {
        MeasureReport r = new MeasureReport();
        r.setId(reportId(measures));
        r.setStatus(MeasureReport.MeasureReportStatus.COMPLETE);
        r.setType(MeasureReport.MeasureReportType.SUMMARY);
        r.setMeasure(MEASURE_URL + COMPOSITE);
        YearMonth month = YearMonth.parse(measures.month());
        r.setPeriod(new Period()
                .setStart(Date.from(month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()))
                .setEnd(Date.from(month.atEndOfMonth().atTime(23, 59, 59).toInstant(ZoneOffset.UTC))));
        for (String organisation : List.of(measures.organisation(), measures.partner())) {
            r.addExtension(new Extension(PARTY_EXTENSION, new Reference("Organization/" + organisation)));
        }
        for (PartnershipMeasures.Value value : measures.values()) {
            GoalMeasure measure = GoalMeasure.of(value.measure());
            MeasureReport.MeasureReportGroupComponent group = r.addGroup();
            group.setId(value.measure().replace('.', '-'));
            group.setCode(new CodeableConcept(new Coding(CODE_SYSTEM, value.measure(),
                    measure == null ? value.measure() : title(measure))));
            boolean hours = measure != null && measure.turnaround() != null;
            if (value.denominator() != null) {
                group.addPopulation().setCode(concept(POPULATION, hours ? "measure-population" : "denominator",
                        null)).setCount(value.denominator().intValue());
            }
            if (value.numerator() != null) {
                group.addPopulation().setCode(concept(POPULATION, "numerator", null))
                        .setCount(value.numerator().intValue());
            }
            if (value.score() != null) {
                group.setMeasureScore(new Quantity().setValue(value.score()).setSystem(UCUM)
                        .setCode(hours ? "h" : "1").setUnit(hours ? "h" : "1"));
            }
        }
        return r;
    }

    private static String title(GoalMeasure measure) {
        if (measure.turnaround() == null) {
            return switch (measure.code()) {
                case "slaMetRate" -> "Triaged within the SLA";
                case GoalMeasure.LOOP_CLOSURE_RATE -> "Loops closed within 30 days";
                case GoalMeasure.RECIPROCITY -> "Reciprocity";
                default -> "Leakage";
            };
        }
        return ("p90Hours".equals(measure.percentile()) ? "90th percentile hours " : "Median hours ")
                + STEPS.get(measure.turnaround());
    }

    private static String description(GoalMeasure measure) {
        if (measure.turnaround() == null) {
            return RATES.get(measure.code()) + ".";
        }
        return ("p90Hours".equals(measure.percentile()) ? "The nearest-rank 90th percentile" : "The nearest-rank "
                + "median") + " of the hours " + STEPS.get(measure.turnaround()) + ", counted in whole hours below "
                + "3 days and whole days from 3 days on.";
    }

    /** A computer-friendly name: sentToAccepted.medianHours is SentToAcceptedMedianHours. */
    private static String name(String code) {
        StringBuilder name = new StringBuilder();
        boolean upper = true;
        for (char c : code.toCharArray()) {
            if (c == '.') {
                upper = true;
                continue;
            }
            name.append(upper ? Character.toUpperCase(c) : c);
            upper = false;
        }
        return name.toString();
    }

    private static CodeableConcept concept(String system, String code, String display) {
        return new CodeableConcept(new Coding(system, code, display));
    }
}
