package dev.careloop.app.security;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
import dev.careloop.app.DemoClinics;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The operations endpoints: health for anyone (status only), metrics for monitoring and admins only. */
@CareLoopIntegrationTest
class ActuatorSecurityTest {

    @LocalServerPort
    int port;

    @Test
    void prometheusMetricsNeedTheMetricsScopeOrTheAdminRole() {
        ResponseEntity<String> anonymous = RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultStatusHandler(status -> true, (req, res) -> { }).build()
                .get().uri("/actuator/prometheus").retrieve().toEntity(String.class);

        assertThat(anonymous.getStatusCode().value()).isEqualTo(401);
        assertThat(anonymous.getBody()).doesNotContain("jvm_");
        assertThat(DemoClinics.at(port).gp().get("/actuator/prometheus").status()).isEqualTo(403);
        assertThat(DemoClinics.at(port).client("careloop-compliance").get("/actuator/prometheus").status())
                .isEqualTo(403);
        assertThat(DemoClinics.at(port).client("northside-ehr").get("/actuator/prometheus").status()).isEqualTo(403);
        CareLoopClient.Response monitoring = DemoClinics.at(port).client("careloop-metrics").get("/actuator/prometheus");
        assertThat(monitoring.status()).isEqualTo(200);
        assertThat(monitoring.body()).contains("jvm_memory_max_bytes");
        assertThat(DemoClinics.at(port).admin().get("/actuator/prometheus").status()).isEqualTo(200);
    }

    @Test
    void healthIsOpenAndSaysOnlyItsStatus() {
        ResponseEntity<String> health = RestClient.create("http://localhost:" + port).get().uri("/actuator/health")
                .retrieve().toEntity(String.class);

        assertThat(health.getStatusCode().value()).isEqualTo(200);
        assertThat(health.getBody()).contains("\"status\":\"UP\"").doesNotContain("components")
                .doesNotContain("details");
    }
}
