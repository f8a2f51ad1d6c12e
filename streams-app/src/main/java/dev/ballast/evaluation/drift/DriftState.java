package dev.ballast.evaluation.drift;

import java.io.DataInput;
import java.io.IOException;

/** The format-version check shared by the state formats of this package. */
final class DriftState {

  private DriftState() {
  }

  static void expectVersion(DataInput in, byte expected, String format) throws IOException {
    byte version = in.readByte();
    if (version != expected) {
      throw new IOException("unsupported " + format + " format version " + version);
    }
  }
}
