package dev.gatehouse.policy;

import java.util.List;
import java.util.Objects;

/**
 * {@code policies.NAME.mask}: which columns are masked on the wire (by origin column, never by
 * output name), which content detectors run over every other value, and the masked form.
 *
 * @param columns {@code table.column} or {@code schema.table.column}, lower-case unless quoted
 * @param detectors names understood by {@link ContentDetectors#of(List)}
 */
public record MaskSpec(List<String> columns, List<String> detectors, MaskForm form) {
  public MaskSpec {
    columns = List.copyOf(columns == null ? List.of() : columns);
    detectors = List.copyOf(detectors == null ? List.of() : detectors);
    form = Objects.requireNonNullElse(form, MaskForm.FULL);
  }

  /** No masked columns, no detectors. */
  public static MaskSpec none() {
    return new MaskSpec(List.of(), List.of(), MaskForm.FULL);
  }
}
