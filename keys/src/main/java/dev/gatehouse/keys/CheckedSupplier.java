package dev.gatehouse.keys;

import java.io.IOException;

/** A supplier that may fail with an I/O fault (reading a key file, querying the ledger). */
@FunctionalInterface
public interface CheckedSupplier<T> {
  T get() throws IOException;
}
