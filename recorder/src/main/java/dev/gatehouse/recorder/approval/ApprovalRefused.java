package dev.gatehouse.recorder.approval;

/**
 * A decision the store would not take, with a stable slug: {@code not-found}, {@code not-pending},
 * {@code expired}, {@code self-approval}, {@code not-an-approver}, {@code already-decided}.
 */
public final class ApprovalRefused extends Exception {
  private static final long serialVersionUID = 1L;
  private final String slug;

  public ApprovalRefused(String slug, String message) {
    super(message);
    this.slug = slug;
  }

  public String slug() {
    return slug;
  }
}
