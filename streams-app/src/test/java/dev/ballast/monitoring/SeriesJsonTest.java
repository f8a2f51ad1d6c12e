package dev.ballast.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.schema.TrainingMetrics;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesJsonTest {

    private static JsonNode model(List<TrainingMetrics> history) throws IOException {
        FeedView view = new FeedView(Map.of("fraud", new ModelView("fraud", null, history, Map.of())), List.of(), 0);
        return new ObjectMapper().readTree(SeriesJson.write(view)).path("models").path(0);
    }

    @Test
    void shouldWriteTheJoinSeriesAlignedWithTimeWhenTheModelHasLateLabels() throws IOException {
        // The first record predates the join's figures (a model trained before labels came late): nulls there.
        TrainingMetrics before = Fixtures.metrics("fraud", 1, 1_000, Map.of("spam", 0.1));
        TrainingMetrics waiting = Fixtures.metrics("fraud", 2, 2_000, Map.of("spam", 0.1));
        waiting.setEventsWaiting(40L);
        waiting.setEventsJoined(0L);
        waiting.setEventsExpired(0L);
        TrainingMetrics joined = Fixtures.metrics("fraud", 3, 3_000, Map.of("spam", 0.1));
        joined.setEventsWaiting(5L);
        joined.setEventsJoined(120L);
        joined.setEventsExpired(3L);
        joined.setLabelDelayP50Ms(800.0);
        joined.setLabelDelayP99Ms(4_100.0);

        JsonNode join = model(List.of(before, waiting, joined)).path("labelJoin");

        assertEquals("[null,40.0,5.0]", join.path("waiting").toString());
        assertEquals("[null,0.0,120.0]", join.path("joined").toString());
        assertEquals("[null,0.0,3.0]", join.path("expired").toString());
        assertEquals("[null,null,800.0]", join.path("delayP50Ms").toString());
        assertEquals("[null,null,4100.0]", join.path("delayP99Ms").toString());
    }

    @Test
    void shouldLeaveTheJoinSeriesOutWhenTheModelHasNoLateLabels() throws IOException {
        TrainingMetrics labelled = Fixtures.metrics("fraud", 1, 1_000, Map.of("spam", 0.1));
        labelled.setEventsWaiting(0L);
        labelled.setEventsJoined(0L);
        labelled.setEventsExpired(0L);

        JsonNode model = model(List.of(Fixtures.metrics("fraud", 1, 500, Map.of("spam", 0.1)), labelled));

        assertTrue(model.path("labelJoin").isMissingNode(), model.toString());
        assertEquals(2, model.path("time").size());
    }
}
