package dev.ballast.evaluation;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Fixed-length arrays in the {@code writeTo}/{@code readFrom} state formats of this package. */
final class StateArrays {

  private StateArrays() {
  }

  static void writeDoubles(DataOutput out, double[] values) throws IOException {
    for (double value : values) {
      out.writeDouble(value);
    }
  }

  /** Fills {@code values}, whose length the caller already knows from the state's header. */
  static void readDoubles(DataInput in, double[] values) throws IOException {
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readDouble();
    }
  }

  static void expectVersion(DataInput in, byte expected, String format) throws IOException {
    byte version = in.readByte();
    if (version != expected) {
      throw new IOException("unsupported " + format + " format version " + version);
    }
  }
}
