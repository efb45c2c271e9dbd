package dev.gatehouse.gateway.postgres;

import dev.gatehouse.policy.ContentDetectors;
import dev.gatehouse.policy.MaskForm;
import java.util.List;

/**
 * Masks configured columns by their origin (table OID, column number from RowDescription — an
 * alias does not unmask) and runs the content detectors over everything else as a second net.
 */
public final class PolicyMasker implements ResultMasker {
  private final Catalog.MaskedColumns columns;
  private final ContentDetectors detectors;
  private final MaskForm form;

  public PolicyMasker(Catalog.MaskedColumns columns, ContentDetectors detectors, MaskForm form) {
    this.columns = columns;
    this.detectors = detectors;
    this.form = form;
  }

  @Override
  public boolean[] columnsToMask(List<Column> cols) {
    if (columns.origins().isEmpty()) {
      return null;
    }
    boolean[] mask = new boolean[cols.size()];
    boolean any = false;
    for (int i = 0; i < cols.size(); i++) {
      Column c = cols.get(i);
      mask[i] = c.tableOid() != 0 && columns.contains(c.tableOid(), c.attnum());
      any |= mask[i];
    }
    return any ? mask : null;
  }

  @Override
  public String maskValue(String value) {
    return form.apply(value);
  }

  @Override
  public String maskText(String text) {
    return detectors == null ? text : detectors.mask(text, form);
  }
}
