package dev.careloop.fhir.facade;

import ca.uhn.fhir.parser.IParser;
import dev.careloop.api.partnership.GoalMeasure;
import dev.careloop.api.partnership.PartnershipMeasures;
import dev.careloop.fhir.inbound.R4Validator;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.r4.model.Measure;
import org.hl7.fhir.r4.model.MeasureReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The partnership analytics as FHIR R4: a Measure per definition and a MeasureReport per partnership and month. */
class PartnershipMeasureReportsTest {

    private static final IParser JSON = R4ChangeProjector.fhirContext().newJsonParser();
    private static final R4Validator VALIDATOR = new R4Validator();

    private static PartnershipMeasures december() {
        List<PartnershipMeasures.Value> values = new ArrayList<>();
        values.add(new PartnershipMeasures.Value("slaMetRate", 0.75, 3L, 4L));
        values.add(new PartnershipMeasures.Value("loopClosureRate", null, 0L, 0L));
        values.add(new PartnershipMeasures.Value("reciprocity", 0.2, 1L, 5L));
        values.add(new PartnershipMeasures.Value("leakageRate", 0.5, 1L, 2L));
        values.add(new PartnershipMeasures.Value("sentToAccepted.medianHours", 24.0, null, 5L));
        values.add(new PartnershipMeasures.Value("sentToAccepted.p90Hours", 120.0, null, 5L));
        return new PartnershipMeasures("northside-gp", "riverside-derm", "2026-12", values);
    }

    @Test
    void aPartnershipsMonthIsAValidMeasureReportScoringEachDefinition() {
        MeasureReport report = PartnershipMeasureReports.report(december());

        assertThat(report.getIdPart()).isEqualTo("northside-gp.riverside-derm.2026-12");
        assertThat(report.getMeasure()).isEqualTo("https://careloop.dev/fhir/Measure/partnership");
        assertThat(report.getPeriod().getStartElement().getValueAsString()).startsWith("2026-12-01T00:00:00");
        assertThat(report.getPeriod().getEndElement().getValueAsString()).startsWith("2026-12-31T23:59:59");
        MeasureReport.MeasureReportGroupComponent sla = report.getGroup().get(0);
        assertThat(sla.getCode().getCodingFirstRep().getCode()).isEqualTo("slaMetRate");
        assertThat(sla.getMeasureScore().getValue().doubleValue()).isEqualTo(0.75);
        assertThat(sla.getPopulation()).extracting(p -> p.getCode().getCodingFirstRep().getCode() + "=" + p.getCount())
                .containsExactly("denominator=4", "numerator=3");
        // Nothing to measure: no score rather than a made-up one.
        assertThat(report.getGroup().get(1).hasMeasureScore()).isFalse();
        assertThat(report.getGroup().get(4).getMeasureScore().getCode()).isEqualTo("h");
        assertThat(report.getExtension()).extracting(e -> ((org.hl7.fhir.r4.model.Reference) e.getValue())
                .getReference()).containsExactly("Organization/northside-gp", "Organization/riverside-derm");
        assertThat(VALIDATOR.errors(JSON.encodeResourceToString(report))).isEmpty();
    }

    @Test
    void everyDefinitionIsAValidMeasureAndTheCompositeIsMadeOfThemAll() {
        List<Measure> measures = PartnershipMeasureReports.measures();

        assertThat(measures).hasSize(GoalMeasure.codes().size() + 1);
        assertThat(measures.get(0).getRelatedArtifact()).hasSize(GoalMeasure.codes().size());
        assertThat(PartnershipMeasureReports.measure("sentToAccepted.medianHours").orElseThrow().getName())
                .isEqualTo("SentToAcceptedMedianHours");
        assertThat(PartnershipMeasureReports.measure("slaMetRate").orElseThrow().getImprovementNotation()
                .getCodingFirstRep().getCode()).isEqualTo("increase");
        assertThat(PartnershipMeasureReports.measure("leakageRate").orElseThrow().getImprovementNotation()
                .getCodingFirstRep().getCode()).isEqualTo("decrease");
        assertThat(PartnershipMeasureReports.measure("happiness")).isEmpty();
        for (Measure measure : measures) {
            assertThat(VALIDATOR.errors(JSON.encodeResourceToString(measure))).as(measure.getIdPart()).isEmpty();
        }
    }

    @Test
    void aReportIdNamesBothOrganisationsAndTheMonth() {
        PartnershipMeasureReports.ReportId id = PartnershipMeasureReports
                .parseReportId("northside-gp.riverside-derm.2026-12").orElseThrow();
        assertThat(id).isEqualTo(new PartnershipMeasureReports.ReportId("northside-gp", "riverside-derm", "2026-12"));
        assertThat(PartnershipMeasureReports.parseReportId("northside-gp.2026-12")).isEmpty();
        assertThat(PartnershipMeasureReports.parseReportId("northside-gp.riverside-derm.2026-13")).isEmpty();
    }

    @Test
    void organisationIdsWithDotsUnderscoresOrSixtyFourCharactersGetAValidUnambiguousDigestedId() {
        String longest = "o".repeat(63) + "_";
        List<String[]> pairs = List.of(new String[]{"a.b", "c"}, new String[]{"a", "b.c"},
                new String[]{"st_marys", "riverside-derm"}, new String[]{"st-marys", "riverside_derm"},
                new String[]{longest, "z".repeat(64)}, new String[]{"x".repeat(30), "y".repeat(30)},
                new String[]{"a", "b"});
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (String[] pair : pairs) {
            MeasureReport report = PartnershipMeasureReports.report(new PartnershipMeasures(pair[0], pair[1],
                    "2026-12", december().values()));
            String id = report.getIdPart();
            assertThat(id).as(pair[0] + " + " + pair[1]).matches("[A-Za-z0-9\\-.]{1,64}");
            assertThat(ids.add(id)).as("unique: " + id).isTrue();
            assertThat(PartnershipMeasureReports.parseReportId(id).orElseThrow().month()).isEqualTo("2026-12");
            assertThat(VALIDATOR.errors(JSON.encodeResourceToString(report))).as(id).isEmpty();
        }
        // Plain ids that fit keep the readable form; the others are digested, with the month still readable.
        assertThat(PartnershipMeasureReports.reportId("a", "b", "2026-12")).isEqualTo("a.b.2026-12");
        assertThat(PartnershipMeasureReports.reportId("a.b", "c", "2026-12")).matches("p-[0-9a-f]{40}\\.2026-12");
        assertThat(PartnershipMeasureReports.reportId("x".repeat(30), "y".repeat(30), "2026-12"))
                .startsWith("p-");
        assertThat(PartnershipMeasureReports.parseReportId(
                PartnershipMeasureReports.reportId("a.b", "c", "2026-12")).orElseThrow().readable()).isFalse();
    }
}
