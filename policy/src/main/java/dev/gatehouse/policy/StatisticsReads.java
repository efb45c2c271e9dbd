package dev.gatehouse.policy;

import java.util.Optional;
import java.util.Set;

/**
 * The planner's statistics hold sample values of every analysed column — most common values,
 * histogram bounds, multi-column MCV lists — masked columns included, readable by anyone who may
 * read the table ({@code pg_stats} filters by privilege, not by masking). While a policy masks
 * any column, a statement that reads them is refused: which rows of the views a filter keeps
 * cannot be proven from the text ({@code WHERE tablename = 'users'} can be written a hundred ways),
 * so any read is.
 *
 * <p>Matched by name anywhere in the text — a table, a view, a function, or a word in a string
 * that dynamic SQL may run — in any spelling the server accepts (quoted, upper-case, {@code
 * pg_catalog.}-qualified, {@code TABLE pg_stats}).
 */
public final class StatisticsReads {
  /** The relations that carry sample values, and the function that unpacks an MCV list. */
  static final Set<String> SOURCES = Set.of(
      "pg_stats", "pg_stats_ext", "pg_stats_ext_exprs", "pg_statistic", "pg_statistic_ext_data",
      "pg_mcv_list_items");

  private final boolean active;

  /** @param mask the policy's masking: nothing is refused when it masks no column */
  public StatisticsReads(MaskSpec mask) {
    this.active = !mask.columns().isEmpty();
  }

  /** Why this statement may not run under the policy, or empty. */
  public Optional<String> violation(String sql, StandardConformingStrings standardStrings) {
    if (!active) {
      return Optional.empty();
    }
    return Mentions.first(sql, standardStrings, SOURCES, false)
        .map(name -> name + " holds sample values of the table columns, the masked ones included;"
            + " the policy masks columns, so the planner's statistics are not readable through the gateway");
  }
}
