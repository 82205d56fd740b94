package dev.careloop.fhir.inbound;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The cheap first read of an inbound body: types and methods of a Bundle's entries, and the limits. */
class BodyOutlineTest {

    @Test
    void aJsonBundleIsOutlinedEntryByEntry() {
        String bundle = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                  {"fullUrl":"urn:uuid:1","resource":{"resourceType":"ServiceRequest","status":"active",
                    "contained":[{"resourceType":"Patient"}]},"request":{"method":"POST","url":"ServiceRequest"}},
                  {"request":{"url":"Patient/7","method":"DELETE"}},
                  {"resource":{"status":"requested","resourceType":"Task"},"request":{"method":"PUT","url":"Task/1"}}
                ]}""";

        BodyOutline outline = BodyOutline.of(bytes(bundle), 100, 100);

        assertThat(outline.resourceType()).isEqualTo("Bundle");
        assertThat(outline.entries()).containsExactly(new BodyOutline.Entry("ServiceRequest", "POST"),
                new BodyOutline.Entry("Patient", "DELETE"), new BodyOutline.Entry("Task", "PUT"));
    }

    @Test
    void anXmlBundleIsOutlinedTheSameWay() {
        String bundle = """
                <Bundle xmlns="http://hl7.org/fhir"><type value="transaction"/>
                  <entry><resource><ServiceRequest><status value="active"/></ServiceRequest></resource>
                    <request><method value="POST"/><url value="ServiceRequest"/></request></entry>
                  <entry><resource><Task><status value="requested"/></Task></resource>
                    <request><method value="POST"/><url value="Task"/></request></entry>
                </Bundle>""";

        BodyOutline outline = BodyOutline.of(bytes(bundle), 100, 100);

        assertThat(outline.resourceType()).isEqualTo("Bundle");
        assertThat(outline.entries()).containsExactly(new BodyOutline.Entry("ServiceRequest", "POST"),
                new BodyOutline.Entry("Task", "POST"));
    }

    @Test
    void moreEntriesThanTheLimitAreRefusedWithoutReadingTheRest() {
        StringBuilder bundle = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
        for (int i = 0; i < 10_000; i++) {
            bundle.append(i == 0 ? "" : ",").append("{\"resource\":{\"resourceType\":\"Task\"},\"request\":"
                    + "{\"method\":\"POST\",\"url\":\"Task\"}}");
        }
        bundle.append("]}");

        assertThatThrownBy(() -> BodyOutline.of(bytes(bundle.toString()), 100, 100))
                .isInstanceOfSatisfying(BodyOutline.Refused.class, r -> assertThat(r.status()).isEqualTo(413))
                .hasMessageContaining("at most 100 entries");
    }

    @Test
    void entriesOfNestedBundlesCountToo() {
        String nested = "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Bundle\","
                + "\"entry\":[{},{},{}]}}]}";

        assertThatThrownBy(() -> BodyOutline.of(bytes(nested), 100, 3)).isInstanceOf(BodyOutline.Refused.class);
    }

    @Test
    void deepNestingIsRefusedQuicklyInJsonAndXml() {
        int levels = 200_000;
        String json = "{\"resourceType\":\"Task\",\"extension\":" + "[{\"extension\":".repeat(levels) + "[]"
                + "}]".repeat(levels) + "}";
        String xml = "<Task xmlns=\"http://hl7.org/fhir\">" + "<extension>".repeat(levels)
                + "</extension>".repeat(levels) + "</Task>";

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThatThrownBy(() -> BodyOutline.of(bytes(json), 100, 100))
                    .isInstanceOfSatisfying(BodyOutline.Refused.class, r -> assertThat(r.status()).isEqualTo(400))
                    .hasMessageContaining("more than 100 levels");
            assertThatThrownBy(() -> BodyOutline.of(bytes(xml), 100, 100))
                    .hasMessageContaining("more than 100 levels");
        });
    }

    @Test
    void brokenJsonIsRefusedWithItsPositionOnly() {
        assertThatThrownBy(() -> BodyOutline.of(bytes("{\"resourceType\":\"Task\",\n\"status\":}"), 100, 100))
                .isInstanceOfSatisfying(BodyOutline.Refused.class, r -> assertThat(r.status()).isEqualTo(400))
                .hasMessage("the body could not be parsed as FHIR JSON (line 2, column 10)");
    }

    @Test
    void xmlWithADoctypeIsRefused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE Task [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<Task xmlns=\"http://hl7.org/fhir\"><status value=\"&x;\"/></Task>";

        assertThatThrownBy(() -> BodyOutline.of(bytes(xxe), 100, 100)).isInstanceOf(BodyOutline.Refused.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
