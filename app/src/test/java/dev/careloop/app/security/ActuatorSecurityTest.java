package dev.careloop.app.security;

import dev.careloop.app.CareLoopClient;
import dev.careloop.app.CareLoopIntegrationTest;
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
        assertThat(CareLoopClient.as(port, "northside-gp-staff").get("/actuator/prometheus").status()).isEqualTo(403);
        assertThat(CareLoopClient.as(port, "careloop-compliance").get("/actuator/prometheus").status())
                .isEqualTo(403);
        assertThat(CareLoopClient.as(port, "northside-ehr").get("/actuator/prometheus").status()).isEqualTo(403);
        CareLoopClient.Response monitoring = CareLoopClient.as(port, "careloop-metrics").get("/actuator/prometheus");
        assertThat(monitoring.status()).isEqualTo(200);
        assertThat(monitoring.body()).contains("jvm_memory_max_bytes");
        assertThat(CareLoopClient.as(port, "careloop-admin").get("/actuator/prometheus").status()).isEqualTo(200);
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
