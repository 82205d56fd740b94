package dev.careloop.bench;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkShapeTest {

    private final NetworkShape network = NetworkShape.of(50, 8);

    @Test
    void theDemoOrganisationsComeFirstSoDemoTokensReadTheNetwork() {
        assertThat(network.organisations()).hasSize(50).startsWith("northside-gp", "riverside-derm", "lakeside-cardio");
        assertThat(network.organisations().get(3)).isEqualTo("bench-org-04");
        assertThat(new HashSet<>(network.organisations())).hasSize(50);
    }

    @Test
    void everySenderHasItsNumberOfPartnersAndNeverItself() {
        for (int sender = 0; sender < 50; sender++) {
            Set<Integer> partners = new HashSet<>();
            for (int k = 0; k < 8; k++) {
                partners.add(network.recipient(sender, k));
            }
            assertThat(partners).hasSize(8).doesNotContain(sender);
        }
    }

    @Test
    void everyOrganisationReceivesFromAsManySendersAsItHasPartners() {
        for (int recipient = 0; recipient < 50; recipient++) {
            assertThat(network.sendersTo(recipient)).hasSize(8);
        }
        // The dashboard's organisation has both directions with northside-gp.
        assertThat(network.sendersTo(1)).contains(0);
    }

    @Test
    void recipientsAreAskedForTheServicesOfTheirSpecialtyFromTheDemoDirectory() {
        assertThat(NetworkShape.service(1, 0.0)).isEqualTo("dermatology-consultation");
        assertThat(NetworkShape.service(1, 0.999)).isEqualTo("skin-lesion-two-week-wait");
        assertThat(NetworkShape.service(2, 0.5)).isEqualTo("cardiology-review");
        assertThat(NetworkShape.service(0, 0.5)).isEqualTo("chronic-disease-review");
        assertThat(NetworkShape.service(4, 0.0)).isEqualTo("dermatology-consultation");
        List<String> flat = NetworkShape.flatServices();
        List<Integer> starts = NetworkShape.serviceStarts();
        List<Integer> counts = NetworkShape.serviceCounts();
        assertThat(flat).hasSize(8);
        assertThat(starts).containsExactly(0, 2, 5);
        assertThat(counts).containsExactly(2, 3, 3);
        assertThat(flat.get(starts.get(1))).isEqualTo("dermatology-consultation");
    }

    @Test
    void prioritiesFollowTheirCumulativeShares() {
        assertThat(NetworkShape.priority(0.0)).isEqualTo("routine");
        assertThat(NetworkShape.priority(0.6999)).isEqualTo("routine");
        assertThat(NetworkShape.priority(0.70)).isEqualTo("urgent");
        assertThat(NetworkShape.priority(0.95)).isEqualTo("asap");
        assertThat(NetworkShape.priority(0.99)).isEqualTo("stat");
        assertThat(NetworkShape.priorityCase("p")).isEqualTo("CASE WHEN p < 0.7 THEN 'routine' WHEN p < 0.9 THEN "
                + "'urgent' WHEN p < 0.98 THEN 'asap' ELSE 'stat' END");
    }

    @Test
    void refusesMorePartnersThanOrganisations() {
        assertThatThrownBy(() -> NetworkShape.of(5, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
