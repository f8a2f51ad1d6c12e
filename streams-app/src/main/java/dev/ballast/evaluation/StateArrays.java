package dev.ballast.evaluation;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Fixed-length arrays in the {@code writeTo}/{@code readFrom} state formats of this package. */
final class StateArrays {

  private StateArrays() {
  }

  /**
   * The bytes of {@link DataOutput#writeDouble} for each value (big-endian IEEE 754), written at once: a model's
   * state holds thousands of histogram bins, and one {@code writeDouble} each was most of the cost of saving it.
   */
  static void writeDoubles(DataOutput out, double[] values) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Double.BYTES);
    for (double value : values) {
      // doubleToLongBits, as writeDouble does (one canonical NaN).
      bytes.putLong(Double.doubleToLongBits(value));
    }
    out.write(bytes.array());
  }

  /** Fills {@code values}, whose length the caller already knows from the state's header. */
  static void readDoubles(DataInput in, double[] values) throws IOException {
    byte[] bytes = new byte[values.length * Double.BYTES];
    in.readFully(bytes);
    ByteBuffer.wrap(bytes).asDoubleBuffer().get(values);
  }

  static void expectVersion(DataInput in, byte expected, String format) throws IOException {
    byte version = in.readByte();
    if (version != expected) {
      throw new IOException("unsupported " + format + " format version " + version);
    }
  }
}
