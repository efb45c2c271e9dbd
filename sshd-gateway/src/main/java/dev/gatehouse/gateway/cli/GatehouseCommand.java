package dev.gatehouse.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/gatehouse}: the one entry point of the jar. */
@Command(
    name = "gatehouse",
    mixinStandardHelpOptions = true,
    versionProvider = GatehouseCommand.Version.class,
    description = "SSH bastion: certificate login, recorded sessions, policy on every statement.",
    subcommands = {
      ServeCommand.class,
      CaCommand.class,
      SessionsCommand.class,
      LoginCommand.class,
      PolicyCommand.class,
      ApprovalsCli.class,
      WebCommand.class,
      KubeconfigCommand.class,
      CommandLine.HelpCommand.class
    })
public final class GatehouseCommand implements Runnable {
  /** Exit code for a configuration that cannot be used (sysexits EX_CONFIG). */
  static final int EXIT_CONFIG = 78;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    // Only the server logs at info; one-shot commands print their result and warnings only.
    boolean serve = args.length > 0 && args[0].equals("serve");
    if (!serve && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    // Before anything prints (the logger binds System.err when it starts): text from users,
    // requesters and identity providers reaches this terminal with its control characters visible.
    System.setOut(VisibleOutput.over(java.io.FileDescriptor.out));
    System.setErr(VisibleOutput.over(java.io.FileDescriptor.err));
    int code = execute(args);
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  /** Runs a command line and returns its exit code (tests call this in-process). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new GatehouseCommand());
    // No ANSI styling: the output is text, and the CLI's output filter would show it escaped.
    cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("gatehouse: " + e.getMessage());
          if (e instanceof dev.gatehouse.gateway.config.ConfigException) {
            return EXIT_CONFIG;
          }
          return e instanceof InputFileUnusable ? InputFileUnusable.EXIT_NO_INPUT : 1;
        });
    return cl.execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = GatehouseCommand.class.getPackage().getImplementationVersion();
      return new String[] {"gatehouse " + (v == null ? "dev" : v)};
    }
  }
}
