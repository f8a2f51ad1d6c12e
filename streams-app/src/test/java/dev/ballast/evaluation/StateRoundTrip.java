package dev.ballast.evaluation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/** Writes a saved-state record to Avro binary and reads it back, as a changelog restore would. */
public final class StateRoundTrip {

  private StateRoundTrip() {
  }

  @SuppressWarnings("unchecked")
  public static <R extends SpecificRecord> R roundTrip(R record) throws IOException {
    Class<R> type = (Class<R>) record.getClass();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<>(type).write(record, encoder);
    encoder.flush();
    return new SpecificDatumReader<>(type).read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }
}
