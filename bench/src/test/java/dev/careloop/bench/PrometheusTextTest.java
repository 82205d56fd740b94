package dev.careloop.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTextTest {

    @Test
    void readsTheAppsJavaVersionAndMaximumHeap() {
        String exposition = """
                # HELP jvm_info JVM version info
                jvm_info{runtime="OpenJDK Runtime Environment",vendor="Eclipse Adoptium",version="21.0.5+11-LTS"} 1
                jvm_memory_max_bytes{area="heap",id="G1 Eden Space"} -1.0
                jvm_memory_max_bytes{area="heap",id="G1 Old Gen"} 5.36870912E8
                jvm_memory_max_bytes{area="nonheap",id="Metaspace"} -1.0
                jvm_memory_max_bytes{area="nonheap",id="CodeCache"} 5.0331648E7
                """;

        assertThat(PrometheusText.describeJvm(exposition))
                .isEqualTo("Java 21.0.5+11-LTS (Eclipse Adoptium), max heap ~512 MiB");
    }
}
