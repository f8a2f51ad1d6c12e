package dev.ballast.topology;

import dev.ballast.config.BallastConfig;
import dev.ballast.processor.EventValidator;
import dev.ballast.processor.Output;
import dev.ballast.processor.OutputRecords;
import dev.ballast.processor.Rejection;
import dev.ballast.processor.SourceHeaders;
import dev.ballast.schema.DeadLetter;
import dev.ballast.schema.LabelledEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Re-keys an event by its model id on its way to the repartition topic, after two checks only that path needs:
 * <ul>
 *   <li>its size as it will be written (key, value, headers) is at most {@code ballast.event.max.bytes}; a larger
 *       one is forwarded as a dead letter instead, so the repartition write can never be refused for size;</li>
 *   <li>its place in the events topic goes with it as {@link SourceHeaders}: after the repartition, a dead letter
 *       still names the record the user sent.</li>
 * </ul>
 * Forwards the re-keyed {@link LabelledEvent} to {@link #REKEYED}, or a {@code DeadLetter} to {@link #OVERSIZE}.
 */
final class RekeyGuard implements Processor<String, LabelledEvent, String, SpecificRecord> {

    /** Events re-keyed by model id, on their way to the repartition topic. */
    static final Output<LabelledEvent> REKEYED = new Output<>("rekeyed");
    /** Dead letters of events over the size cap. */
    static final Output<DeadLetter> OVERSIZE = new Output<>("oversize-dead-letters");

    /** The wire format's magic byte and schema id in front of the Avro body. */
    private static final int WIRE_HEADER_BYTES = 5;

    private final int maxBytes;
    private final SpecificDatumWriter<LabelledEvent> writer = new SpecificDatumWriter<>(LabelledEvent.class);
    private final ByteCounter counter = new ByteCounter();
    private final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(counter, null);
    private ProcessorContext<String, SpecificRecord> context;

    RekeyGuard(BallastConfig config) {
        this.maxBytes = config.getInt(BallastConfig.EVENT_MAX_BYTES);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, LabelledEvent> record) {
        LabelledEvent event = record.value();
        RecordMetadata source = context.recordMetadata().orElseThrow();
        String modelId = event.getModelId();
        Headers headers = new RecordHeaders(record.headers().toArray());
        SourceHeaders.writeCoordinates(headers, source.topic(), source.partition(), source.offset());
        long size = modelId.getBytes(StandardCharsets.UTF_8).length + WIRE_HEADER_BYTES + encodedSize(event);
        for (Header header : headers) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        if (size > maxBytes) {
            Rejection rejection = new Rejection(Rejection.OVERSIZE, "event of " + size + " bytes keyed by '"
                    + EventValidator.shorten(record.key() == null ? "" : record.key()) + "' would be re-keyed by model id "
                    + "through the repartition topic, over " + BallastConfig.EVENT_MAX_BYTES + "=" + maxBytes);
            OVERSIZE.forward(context, new Record<>(record.key(), OutputRecords.deadLetter(rejection, source.topic(),
                    source.partition(), source.offset(), EventValidator.shorten(event.getId()),
                    record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), null,
                    context.currentSystemTimeMs()), context.currentSystemTimeMs()));
            return;
        }
        REKEYED.forward(context, record.withKey(modelId).withHeaders(headers));
    }

    /** The Avro body's length, counted without keeping the bytes. */
    private long encodedSize(LabelledEvent event) {
        counter.count = 0;
        try {
            writer.write(event, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counter.count;
    }

    private static final class ByteCounter extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            count += length;
        }
    }
}
