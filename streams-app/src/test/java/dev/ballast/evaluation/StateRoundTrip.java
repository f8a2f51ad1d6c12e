package dev.ballast.evaluation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;

/** Writes state to bytes and reads it back, as a changelog restore would. */
public final class StateRoundTrip {

  /** Something with a {@code writeTo(DataOutput)}. */
  public interface Writer {
    void writeTo(DataOutput out) throws IOException;
  }

  /** Something's static {@code readFrom(DataInput)}. */
  public interface Reader<T> {
    T readFrom(DataInput in) throws IOException;
  }

  private StateRoundTrip() {
  }

  public static byte[] bytes(Writer state) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    state.writeTo(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  public static <T> T roundTrip(Writer state, Reader<T> reader) throws IOException {
    return reader.readFrom(new DataInputStream(new ByteArrayInputStream(bytes(state))));
  }
}
