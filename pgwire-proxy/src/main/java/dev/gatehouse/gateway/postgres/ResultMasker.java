package dev.gatehouse.gateway.postgres;

import java.util.List;

/**
 * Where masking plugs in. Columns are chosen by their origin (table OID and column number from
 * RowDescription), never by output name, so an alias does not unmask.
 */
public interface ResultMasker {
  /**
   * Called with each RowDescription's columns; returns for each column whether to mask it
   * ({@code null}: none).
   */
  boolean[] columnsToMask(List<Column> columns);

  /** The masked form of a value of a masked column. */
  String maskValue(String value);

  /**
   * Content detectors over other values, notices, notifications and errors; returns {@code text}
   * unchanged when nothing matches.
   */
  String maskText(String text);

  /** One result column: origin table OID and attribute number (0 when not a plain column). */
  record Column(int tableOid, int attnum, String name, int typeOid, int format) {}

  /** Masks nothing: for benches of the bare proxy. */
  ResultMasker NONE =
      new ResultMasker() {
        @Override
        public boolean[] columnsToMask(List<Column> columns) {
          return null;
        }

        @Override
        public String maskValue(String value) {
          return value;
        }

        @Override
        public String maskText(String text) {
          return text;
        }
      };
}
