package dev.gatehouse.policy.shell;

import com.google.re2j.Pattern;
import dev.gatehouse.policy.Approvers;
import dev.gatehouse.policy.Rule;
import java.util.List;
import java.util.Objects;

/**
 * An operator-written rule of a {@code type: shell} policy ({@code policies.NAME.rules[i]}): it
 * matches a simple command whose name is one of {@code commands} (any, when empty) and whose
 * arguments, joined by single spaces, contain a match of {@code args} (RE2/J; anchor it with
 * {@code ^} to match from the first argument). Arguments only known when the command runs match
 * any pattern: rules only tighten, so they err on the side of matching.
 */
public record ShellRule(String name, List<String> commands, Pattern args, Rule.Outcome verdict, Approvers approvers) {
  public ShellRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(verdict, "verdict");
    commands = List.copyOf(commands == null ? List.of() : commands);
    if (commands.isEmpty() && args == null) {
      throw new IllegalArgumentException("rule '" + name + "' has no selector (commands or args)");
    }
  }

  boolean matches(ShellCommand c) {
    // c.name() is the program read (ssh for slogin); the name as written counts too.
    String written = c.path().substring(c.path().lastIndexOf('/') + 1);
    if (!commands.isEmpty() && !commands.contains(c.name()) && !commands.contains(c.path()) && !commands.contains(written)) {
      return false;
    }
    if (args == null) {
      return true;
    }
    return !c.literalArgs() || args.matcher(c.joinedArgs()).find();
  }
}
