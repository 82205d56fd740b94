package dev.careloop.app.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.SimpleEventBus;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inline projections see an event's timestamp as the log stores it: what Axon's DateTimeUtils keeps (three
 * digits of the fraction, cut), so that the view written inline and the one the tracking processor or a rebuild
 * writes from the log are the same to the microsecond.
 */
class InlineTimestampTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-04T22:51:00.123456789Z", "2026-12-04T23:59:59.999999999Z",
            "2026-01-01T00:00:00Z", "1969-12-31T23:59:59.000500Z", "0001-01-01T00:00:00.000999Z",
            "9999-12-31T23:59:59.999999Z"})
    void anInlineEventCarriesTheTimestampTheLogStores(String instant) {
        Instant at = Instant.parse(instant);
        EventBus bus = SimpleEventBus.builder().build();
        List<EventMessage<?>> seen = new ArrayList<>();
        InlineProjections.asStored(bus, JacksonSerializer.builder().objectMapper(new ObjectMapper()).build())
                .subscribe(seen::addAll);

        bus.publish(new GenericEventMessage<>("id-1", "payload", MetaData.emptyInstance(), at));

        assertThat(seen).singleElement().extracting(EventMessage::getTimestamp)
                .isEqualTo(DateTimeUtils.parseInstant(DateTimeUtils.formatInstant(at)));
    }
}
