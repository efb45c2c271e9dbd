package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Cloud CLIs, object stores and infrastructure-as-code tools that change or destroy infrastructure
 * (attack 17cu), read as {@code service-change} (the class of {@code systemctl stop} and {@code
 * kubectl delete}: a running service stopped, started or replaced). Each grammar is read once and
 * fails closed: an operation not known to read is a change.
 * <ul>
 *   <li>{@code aws [global options] SERVICE OPERATION}: the operations named {@code describe-*},
 *       {@code list-*}, {@code get-*}, {@code batch-get-*}, {@code head-*}, {@code lookup-*}, {@code
 *       search-*}, {@code validate-*}, {@code filter-*}, {@code estimate-*}, {@code simulate-*},
 *       {@code decode-*}, {@code wait}, {@code help}, {@code query}/{@code scan}, {@code tail}, {@code
 *       s3 ls}/{@code presign}, a download ({@code s3 cp s3://b/x .}, {@code s3 sync s3://b dir}
 *       without {@code --delete}), {@code sts assume-role*}, and the local ones ({@code configure},
 *       {@code sso login|logout}, {@code eks update-kubeconfig}) read, as does an operation given
 *       {@code --dry-run}/{@code --dryrun} (not {@code --no-dry-run}) or {@code
 *       --generate-cli-skeleton}; every other operation changes. An option before the operation the
 *       guard does not know (it may take the next word), {@code --cli-auto-prompt} (the operation is
 *       chosen at aws's prompt) or a word only known when it runs is a change. {@code python -m
 *       awscli …} is aws, {@code python3 -m azure.cli …} az.</li>
 *   <li>{@code GROUP… VERB} CLIs ({@code gcloud}, {@code az}, {@code doctl}, {@code hcloud}, {@code
 *       linode-cli}, {@code oci}, {@code ibmcloud}, {@code scw}, {@code exo}, {@code vultr-cli}, {@code
 *       upctl}, {@code openstack}): the text reads only when a read verb ({@code list}, {@code ls},
 *       {@code describe}, {@code show}, {@code get}, {@code view}, {@code info}, {@code version},
 *       {@code help}, {@code list-*}, {@code show-*}, {@code get-*}, {@code describe-*}, …) comes
 *       before any word shaped as a change verb, and is not the word after an option the guard does
 *       not know, or the command is the tool's local configuration ({@code gcloud config|auth}, {@code
 *       az login|account}, {@code doctl auth}, {@code hcloud context}, …); everything else changes.</li>
 *   <li>object stores: {@code gsutil}, {@code s3cmd}, {@code rclone}, MinIO's {@code mc}/{@code
 *       mcli}: the verb is the first operand; reads ({@code ls}, {@code cat}, {@code du}, {@code stat},
 *       a download) are allowed, every other verb changes ({@code rm}, {@code rb}, {@code mv}, {@code
 *       rclone delete|purge|sync|move}); MinIO's {@code mc} is also Midnight Commander, so only its
 *       change verbs are read.</li>
 *   <li>infrastructure as code: {@code terraform}/{@code tofu}/{@code terragrunt} (reads: {@code
 *       plan}, {@code show}, {@code validate}, {@code fmt}, {@code init}, {@code output}, {@code graph},
 *       {@code providers}, {@code version}, {@code get}, {@code console}, {@code login}, {@code
 *       logout}, {@code metadata}, {@code state list|show|pull}, {@code workspace
 *       list|show|select|new}); {@code pulumi} (reads: {@code preview}, {@code stack
 *       ls|output|select|history|export|graph}, {@code whoami}, {@code config}, {@code login}, …);
 *       {@code cdk}/{@code cdktf} (reads: {@code synth}, {@code diff}, {@code ls}, …); {@code
 *       serverless}/{@code sls} (reads: {@code print}, {@code info}, {@code package}, {@code logs},
 *       …); {@code sam}; {@code eksctl} (reads: {@code get}); {@code ansible-playbook}/{@code
 *       ansible-pull} unless only listing or syntax-checking ({@code --check} runs the tasks marked
 *       {@code check_mode: false}).</li>
 * </ul>
 */
final class CloudChanges {
  private CloudChanges() {}

  private static final Pattern AWS_READ = Pattern.compile(
      "(describe|list|get|batch-get|head|lookup|search|validate|filter|estimate|simulate|decode|preview)-.*"
          + "|wait|help|query|scan|tail|ls");
  private static final Set<String> AWS_GLOBAL_VALUE = Set.of("--profile", "--region", "--endpoint-url", "--output",
      "--query", "--color", "--ca-bundle", "--cli-read-timeout", "--cli-connect-timeout", "--cli-binary-format");
  private static final Set<String> AWS_GLOBAL_FLAG = Set.of("--debug", "--no-verify-ssl", "--no-paginate",
      "--no-sign-request", "--no-cli-pager", "--no-cli-auto-prompt");

  /** Read verbs of the GROUP… VERB CLIs. */
  private static final Pattern VERB_READ = Pattern.compile(
      "list|ls|get|show|describe|view|info|version|help|whoami|wait|exists|read|tail|cat|status"
          + "|(list|show|get|describe|search|lookup|print|check)-.*");
  /** Words shaped as a change verb: one before a read verb makes the read verb a resource's name. */
  private static final Pattern VERB_CHANGE = Pattern.compile(
      "(delete|del|rm|remove|destroy|terminate|create|new|update|set|unset|add|patch|edit|stop|start|restart|reboot"
          + "|reset|resize|suspend|resume|deploy|undeploy|attach|detach|move|mv|rename|import|export|enable|disable|run"
          + "|exec|invoke|apply|cancel|rollback|promote|failover|restore|upgrade|downgrade|scale|purge|shutdown|rebuild"
          + "|replace|recreate|abandon|rotate|revoke|grant|put|modify|associate|disassociate|register|deregister"
          + "|release|allocate|simulate|rolling|poweroff|poweron|power-off|power-on|power-cycle|shelve|unshelve|lock"
          + "|unlock|pause|unpause|evacuate|migrate|clone|copy|cp|snapshot|backup|drain|cordon|uncordon|reinstall"
          + "|switchover|failback|trigger|send|publish|submit|kill|abort|wipe|truncate|clear|flush|sync|mb|rb|bulk|batch"
          + "|deallocate|generalize|redeploy|reimage|capture|reapply|regenerate|renew|swap|reconcile|install|uninstall"
          + "|perform|assess|sign)(-.*)?");

  /** A GROUP… VERB CLI: its local groups (first command word) and the options taking a value before the verb. */
  private record VerbCli(Set<String> local, Set<String> valueOptions, Set<String> flags, Set<String> skip) {}

  private static final VerbCli FLY = new VerbCli(Set.of("auth", "version", "help", "docs", "logs", "status", "dashboard",
      "doctor", "platform"), Set.of("-a", "--app", "-c", "--config", "-t", "--access-token"), Set.of("--debug",
      "--verbose", "-y", "--yes"), Set.of("ssh", "sftp", "proxy"));

  private static final Map<String, VerbCli> VERB_CLIS = Map.ofEntries(
      Map.entry("gcloud", new VerbCli(Set.of("config", "auth", "help", "info", "version", "topic", "init", "cheat-sheet"),
          Set.of("--project", "--account", "--configuration", "--format", "--verbosity", "--billing-project",
              "--impersonate-service-account", "--flatten", "--trace-token", "--access-token-file", "--flags-file"),
          Set.of("--quiet", "-q", "--log-http", "--user-output-enabled", "--no-user-output-enabled"),
          Set.of("ssh", "connect-to-serial-port"))),
      Map.entry("az", new VerbCli(Set.of("login", "logout", "version", "help", "find", "cloud", "config"),
          Set.of("--subscription", "--output", "-o", "--query", "--resource-group", "-g"),
          Set.of("--debug", "--verbose", "--only-show-errors", "--yes", "-y"), Set.of("ssh"))),
      Map.entry("doctl", new VerbCli(Set.of("auth", "account", "version", "completion", "help"),
          Set.of("--context", "--access-token", "-t", "--api-url", "-u", "--config", "-c", "--output", "-o"),
          Set.of("--trace", "--verbose", "-v", "--force", "-f"), Set.of("ssh"))),
      Map.entry("hcloud", new VerbCli(Set.of("context", "version", "completion", "help", "config"),
          Set.of("--context", "--config", "--poll-interval", "-o", "--output"), Set.of("--debug", "--quiet"), Set.of("ssh"))),
      Map.entry("linode-cli", new VerbCli(Set.of("configure", "help", "--version"), Set.of("--as-user", "--format"),
          Set.of("--text", "--json", "--pretty", "--all", "--no-headers"), Set.of("ssh"))),
      Map.entry("oci", new VerbCli(Set.of("setup", "session", "help"), Set.of("--profile", "--config-file", "--region",
          "--output", "--query", "--auth"), Set.of("--debug"), Set.of())),
      Map.entry("ibmcloud", new VerbCli(Set.of("login", "logout", "target", "config", "api", "regions", "version",
          "help"), Set.of(), Set.of(), Set.of("ssh"))),
      Map.entry("scw", new VerbCli(Set.of("init", "config", "version", "help", "info"), Set.of("-p", "--profile", "-o",
          "--output", "-c", "--config"), Set.of("-D", "--debug"), Set.of())),
      Map.entry("exo", new VerbCli(Set.of("config", "version", "help", "status"), Set.of("-A", "--use-account", "-O",
          "--output-format", "-C", "--config"), Set.of("-Q", "--quiet"), Set.of())),
      Map.entry("vultr-cli", new VerbCli(Set.of("version", "help", "account"), Set.of("--config", "-o", "--output"),
          Set.of(), Set.of())),
      Map.entry("upctl", new VerbCli(Set.of("version", "help", "account", "completion"), Set.of("--config", "-o",
          "--output"), Set.of("--debug"), Set.of())),
      Map.entry("copilot", new VerbCli(Set.of("version", "help", "docs", "completion"), Set.of(), Set.of(), Set.of())),
      Map.entry("fly", FLY),
      Map.entry("flyctl", FLY),
      Map.entry("openstack", new VerbCli(Set.of("help", "complete", "module", "configuration", "versions", "catalog",
          "token"), Set.of("--os-cloud", "--os-region-name", "--os-auth-url", "--os-project-name", "--os-username",
          "--os-password", "--os-interface", "-f", "--format", "-c", "--column"), Set.of("--debug", "-v", "--verbose",
          "-q", "--quiet", "--insecure"), Set.of())));

  private static final Set<String> TF_READS = Set.of("plan", "show", "validate", "fmt", "init", "output", "graph",
      "providers", "version", "get", "console", "login", "logout", "metadata", "help");
  private static final Set<String> TERRAGRUNT_READS = Set.of("hclfmt", "hclvalidate", "render-json", "render",
      "graph-dependencies", "output-module-groups", "validate-inputs", "terragrunt-info", "info", "find", "list",
      "dag", "catalog", "scaffold", "output-all", "plan-all", "validate-all");
  private static final Set<String> TERRAGRUNT_WRAPS = Set.of("run-all", "run", "stack", "exec");

  /** The text changes or destroys infrastructure through a cloud CLI, an object store or an IaC tool. */
  static boolean change(ShellCommand c) {
    if (ContainerCommands.prompt(c)) {
      return false; // a terminal on a machine (aws ec2-instance-connect ssh, az containerapp exec): nested-shell
    }
    // a package runner's name@version (npx aws-cdk@2 destroy, npx serverless@3 remove) is the package's program
    String n = Regexes.matches(c.name(), "[a-z0-9][a-z0-9._-]*@[^@/]*") ? c.name().substring(0, c.name().indexOf('@')) : c.name();
    List<Word> a = c.args();
    if (Regexes.matches(n, "python[0-9.]*|pypy[0-9.]*")) {
      List<String> m = ShellClass.PythonRun.read(c.argValues()).resolvedModule();
      // the aws and az programs are these modules run by python: python3 -m awscli …, python3 -m azure.cli …
      String mod = m == null || m.isEmpty() ? "" : m.get(0).replaceFirst("\\.__main__$", "");
      if (!mod.equals("awscli") && !mod.equals("azure.cli")) {
        return false;
      }
      List<Word> rest = new ArrayList<>();
      for (String v : m.subList(1, m.size())) {
        rest.add(new Word(v, v, v.indexOf('\u0000') < 0));
      }
      return change(mod.equals("awscli") ? "aws" : "az", rest);
    }
    return change(n, a);
  }

  static boolean change(String n, List<Word> a) {
    // Go's flag package (urfave/cli: mc, ibmcloud, terragrunt) and Python's getopt (gsutil) stop at the
    // first operand: a --help after it is an operand (mc rm local/b --help removes local/b)
    List<Word> helpWords = a;
    // (and, failing closed, the CLIs whose parser the guard has not read: aliyun, tccli, serverless)
    if (Set.of("mc", "mcli", "ibmcloud", "terragrunt", "gsutil", "aliyun", "tccli", "serverless", "sls").contains(n)) {
      int second = -1;
      for (int i = 0, ops = 0; i < a.size() && second < 0; i++) {
        if (!a.get(i).value().startsWith("-") && ++ops == 2) {
          second = i;
        }
      }
      helpWords = second < 0 ? a : a.subList(0, second);
    }
    // --version only as the first word: elsewhere some parsers take it as a value or an operand
    if (!Set.of("terraform", "tofu", "terragrunt").contains(n) && (helpAsked(helpWords, Set.of("--help"))
        || !a.isEmpty() && a.get(0).literal() && a.get(0).value().equals("--version"))) {
      return false;
    }
    VerbCli cli = VERB_CLIS.get(n);
    if (cli != null) {
      return verbCliChange(cli, a);
    }
    return switch (n) {
      case "aws" -> awsChange(a);
      case "terraform", "tofu", "terragrunt" -> terraformChange(n, a);
      case "pulumi" -> pulumiChange(a);
      case "cdk", "cdktf", "aws-cdk", "cdktf-cli" -> firstVerbChange(a, Set.of("synth", "synthesize", "diff", "list", "ls", "doctor", "docs",
          "version", "context", "metadata", "acknowledge", "ack", "notices", "init", "help", "get", "convert", "output",
          "debug", "login", "plan"));
      case "serverless", "sls" -> a.isEmpty() || firstVerbChange(a, Set.of("print", "info", "package", "logs", "metrics", "help",
          "version", "doctor", "login", "logout", "config", "create"))
          && !verbs(a).stream().limit(2).toList().equals(List.of("config", "credentials"));
      case "sam" -> firstVerbChange(a, Set.of("validate", "build", "logs", "list", "traces", "init", "docs", "help"));
      case "eksctl" -> firstVerbChange(a, Set.of("get", "version", "info", "completion", "help"));
      case "eb" -> firstVerbChange(a, Set.of("status", "health", "events", "logs", "list", "printenv", "use", "init",
          "open", "console", "help"));
      case "aliyun", "tccli" -> apiChange(a);
      case "vagrant" -> {
        List<String> ops = verbs(a);
        String first = ops.isEmpty() ? "" : ops.get(0);
        String sub = ops.size() > 1 ? ops.get(1) : "";
        yield Set.of("destroy", "halt", "reload", "up", "suspend", "resume", "provision").contains(first)
            || Set.of("snapshot", "box").contains(first) && Set.of("restore", "delete", "pop", "push", "save", "remove",
                "prune", "update").contains(sub);
      }
      case "ansible-playbook", "ansible-pull" -> a.stream().noneMatch(w -> w.literal()
          && Regexes.matches(w.value(), "--syntax-check|--list-hosts|--list-tasks|--list-tags|-h"));
      case "gsutil" -> gsutilChange(a);
      case "s3cmd" -> firstVerbChange(a, Set.of("ls", "la", "du", "info", "get", "multipart", "listmp", "signurl",
          "cflist", "cfinfo", "ws-info", "help"));
      case "rclone" -> rcloneChange(a);
      case "mc", "mcli" -> minioChange(n, a);
      default -> false;
    };
  }

  /**
   * One of {@code words} is an option of its own, not the value of the option before it (cobra's
   * pflag and Go's flag take the next word as a value even when it starts with {@code -}: {@code
   * doctl … delete --tag-name --help}, {@code terraform apply -backup -help}).
   */
  private static boolean helpAsked(List<Word> a, Set<String> words) {
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (w.literal() && w.value().equals("--")) {
        return false;
      }
      if (w.literal() && words.contains(w.value())) {
        String p = i > 0 ? a.get(i - 1).value() : "";
        if (i == 0 || a.get(i - 1).literal() && !(p.startsWith("-") && !p.contains("="))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The operands, skipping options (a word after an option without {@code =} may be its value: dropped, as unknown). */
  private static List<String> verbs(List<Word> a) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (!w.literal()) {
        out.add("\u0000");
        continue;
      }
      if (w.value().startsWith("-")) {
        continue;
      }
      out.add(w.value());
    }
    return out;
  }

  private static final Set<String> PULUMI_FLAGS = Set.of("--yes", "-y", "--skip-preview", "-f", "--non-interactive",
      "--emoji", "--debug", "-d", "--diff", "--logtostderr", "--json", "-j", "--refresh", "-r", "--show-secrets",
      "--suppress-outputs", "--suppress-permalink", "--all", "-a", "--disable-integrity-checking", "--shell", "--force");

  private static final Set<String> TERRAGRUNT_FLAGS = Set.of("--all", "--non-interactive", "--terragrunt-non-interactive",
      "--terragrunt-include-external-dependencies", "--queue-include-external", "--terragrunt-ignore-dependency-errors",
      "--queue-ignore-errors", "--terragrunt-no-auto-init", "--no-auto-init", "--terragrunt-debug", "--inputs-debug",
      "-auto-approve", "--auto-approve", "-destroy", "--experiment-mode", "--terragrunt-source-update", "--source-update");

  /**
   * An operand stands after an option the guard does not know, taking no {@code =} (cobra's pflag,
   * urfave/cli: {@code pulumi -C preview up} runs {@code up} in the directory {@code preview}): which
   * word is the verb is not known.
   */
  private static boolean ambiguous(List<Word> a, Set<String> flags) {
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("--")) {
        return false;
      }
      if (v.startsWith("-")) {
        continue;
      }
      String p = i > 0 ? a.get(i - 1).value() : "";
      // the first operand: the verb, unless it may be the value of the option before it
      return p.startsWith("-") && !p.contains("=") && !flags.contains(p);
    }
    return false;
  }

  /** A tool whose verb is its first operand: the verb reads or the text changes; a word only known when it runs changes. */
  private static boolean firstVerbChange(List<Word> a, Set<String> reads) {
    if (a.isEmpty()) {
      return false; // alone: its usage
    }
    String first = firstVerb(a, Set.of());
    return first == null || !reads.contains(first.toLowerCase(Locale.ROOT));
  }

  /**
   * The first operand that cannot be an option's value, or null when it is only known when it runs,
   * missing or after an option the guard does not know.
   */
  private static String firstVerb(List<Word> a, Set<String> flags) {
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (!w.literal()) {
        return null;
      }
      String v = w.value();
      if (v.equals("--")) {
        return null;
      }
      if (v.startsWith("-")) {
        continue;
      }
      if (i > 0) {
        String p = a.get(i - 1).value();
        if (p.startsWith("-") && !p.contains("=") && !flags.contains(p) && !p.equals("--")) {
          return null; // it may be that option's value: the verb is not known
        }
      }
      return v;
    }
    return null;
  }

  // ---- aws ------------------------------------------------------------------------------------------

  private static boolean awsChange(List<Word> a) {
    List<String> ops = new ArrayList<>();
    int opAt = -1;
    for (int i = 0; i < a.size() && ops.size() < 2; i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        return true;
      }
      if (v.equals("--cli-auto-prompt")) {
        return true;
      }
      if (v.startsWith("-")) {
        String name = v.contains("=") ? v.substring(0, v.indexOf('=')) : v;
        if (AWS_GLOBAL_VALUE.contains(name)) {
          i += v.contains("=") ? 0 : 1;
        } else if (!AWS_GLOBAL_FLAG.contains(v)) {
          return true; // an option before the operation the guard does not know: it may take the next word
        }
        continue;
      }
      ops.add(v.toLowerCase(Locale.ROOT));
      opAt = i;
    }
    if (a.stream().anyMatch(w -> w.literal() && w.value().equals("--cli-auto-prompt"))) {
      return true;
    }
    String service = ops.isEmpty() ? "" : ops.get(0);
    if (Set.of("help", "configure").contains(service)) {
      return false;
    }
    if (ops.size() < 2) {
      return true; // no operation: an alias the guard does not see, or a usage error
    }
    String op = ops.get(1);
    List<Word> rest = a.subList(opAt + 1, a.size());
    if (rest.stream().anyMatch(w -> !w.literal())) {
      // a word only known when it runs after the operation may be --no-dry-run or a destination
      return !AWS_READ.matcher(op).matches() || service.equals("s3");
    }
    List<String> r = rest.stream().map(Word::value).toList();
    if (r.stream().anyMatch(v -> v.startsWith("--generate-cli-skeleton"))
        || (r.contains("--dry-run") || r.contains("--dryrun")) && r.stream().noneMatch(v -> v.startsWith("--no-d"))) {
      return false;
    }
    if (r.size() == 1 && r.get(0).equals("help")) {
      return false;
    }
    // ecs execute-command and ssm start-session are read by ContainerCommands (their command judged)
    if (service.equals("ecs") && op.equals("execute-command") || service.equals("ssm") && op.equals("start-session")) {
      return false;
    }
    if (service.equals("sts") && op.startsWith("assume-role") || service.equals("sso") && Set.of("login", "logout").contains(op)
        || service.equals("eks") && op.equals("update-kubeconfig") || service.equals("s3") && op.equals("presign")) {
      return false;
    }
    if (service.equals("s3")) {
      if (op.equals("ls")) {
        return false;
      }
      if (op.equals("cp")) {
        return false; // a copy either way is remote-copy's (ShellClass reads aws s3 cp|sync|mv)
      }
      if (op.equals("sync")) {
        // sync --delete removes at the destination what the source lacks: a bucket emptied by an empty directory
        return r.stream().anyMatch(v -> v.equals("--delete") || v.startsWith("--delete="));
      }
      return true;
    }
    if (service.equals("s3api") && Set.of("put-object", "upload-part").contains(op)) {
      return false; // an upload: remote-copy's
    }
    return !AWS_READ.matcher(op).matches();
  }

  /**
   * {@code aliyun SERVICE ApiName}, {@code tccli SERVICE ApiName}: the API's name reads when it is a
   * {@code Describe*}, {@code List*}, {@code Get*}, {@code Query*}, {@code Search*}, {@code Check*} or
   * {@code Inquir*} (a price) call; {@code configure} and aliyun's {@code oss ls|cat|stat|du} read;
   * every other call, an option before it the guard does not know, or a word only known when it runs
   * is a change.
   */
  private static boolean apiChange(List<Word> a) {
    String first = firstVerb(a, Set.of());
    if (first == null) {
      return !a.isEmpty();
    }
    if (Set.of("configure", "version", "help", "auto-completion").contains(first)) {
      return false;
    }
    List<String> ops = verbs(a);
    int at = ops.indexOf(first);
    String op = at + 1 < ops.size() ? ops.get(at + 1) : "";
    if (first.equals("oss")) {
      return !Set.of("ls", "cat", "stat", "du", "help", "").contains(op);
    }
    return !Regexes.matches(op, "(?i)(describe|list|get|query|search|check|inquir)[A-Za-z0-9]*|");
  }

  // ---- GROUP… VERB CLIs -----------------------------------------------------------------------------

  private static boolean verbCliChange(VerbCli cli, List<Word> a) {
    boolean first = true;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      if (!w.literal()) {
        return true;
      }
      String v = w.value();
      if (v.equals("--")) {
        return true;
      }
      if (v.startsWith("-")) {
        if (cli.valueOptions.contains(v)) {
          i++;
        }
        continue;
      }
      String p = i > 0 ? a.get(i - 1).value() : "";
      boolean maybeValue = p.startsWith("-") && !p.contains("=") && !cli.flags.contains(p) && !cli.valueOptions.contains(p);
      String lv = v.toLowerCase(Locale.ROOT);
      if (first && !maybeValue && Set.of("alpha", "beta", "preview").contains(lv)) {
        continue;
      }
      boolean group = first && !maybeValue;
      if (group) {
        first = false;
        if (cli.local.contains(lv) || cli.skip.contains(lv)) {
          return false;
        }
        if (lv.equals("account") && i + 1 < a.size() && Set.of("set", "clear").contains(a.get(i + 1).value())) {
          return false; // az account set|clear: the local subscription choice
        }
      }
      if (maybeValue) {
        if (first) {
          return true; // the command path starts after an option the guard does not know
        }
        continue;
      }
      if (cli.skip.contains(lv)) {
        return false; // read by ContainerCommands (gcloud compute ssh, az ssh vm, doctl compute ssh)
      }
      if (VERB_READ.matcher(lv).matches()) {
        return false;
      }
      // the first command word is a group (az lock, az snapshot, gcloud deploy); a verb there is no read either
      if (!group && VERB_CHANGE.matcher(lv).matches()) {
        return true;
      }
    }
    // no command word at all: the tool's usage; but openstack alone is its own prompt (cliff's interactive mode)
    return !first || cli == VERB_CLIS.get("openstack");
  }

  // ---- IaC ------------------------------------------------------------------------------------------

  private static boolean terraformChange(String n, List<Word> a) {
    List<Word> words = new ArrayList<>(a);
    // terraform's only global options before the verb: -chdir=DIR (also -chdir DIR), -help, -version
    for (int i = 0; i < words.size(); i++) {
      if (words.get(i).literal() && Regexes.matches(words.get(i).value(), "--?chdir") && i + 1 < words.size()) {
        words.remove(i + 1);
      }
    }
    // mitchellh/cli: -h/-help/--help anywhere before --, -v/-version/--version only before the verb
    if (helpAsked(words, Set.of("-h", "-help", "--help"))) {
      return false;
    }
    if (n.equals("terragrunt") && ambiguous(words, TERRAGRUNT_FLAGS)) {
      return true;
    }
    List<String> ops = verbs(words);
    if (!words.isEmpty() && words.get(0).literal() && Set.of("-v", "-version", "--version").contains(words.get(0).value())) {
      return false;
    }
    if (n.equals("terragrunt")) {
      ops = new ArrayList<>(ops);
      while (!ops.isEmpty() && TERRAGRUNT_WRAPS.contains(ops.get(0))) {
        ops.remove(0);
      }
      if (!ops.isEmpty() && TERRAGRUNT_READS.contains(ops.get(0))) {
        return false;
      }
    }
    if (ops.isEmpty()) {
      return false; // alone, or with -help/-version: its usage
    }
    String verb = ops.get(0);
    String sub = ops.size() > 1 ? ops.get(1) : "";
    if (verb.equals("init")) {
      // -migrate-state/-force-copy copy the state into the new backend, over the state it holds
      return words.stream().anyMatch(w -> !w.literal() || Regexes.matches(w.value(), "--?(migrate-state|force-copy)(=.*)?"));
    }
    if (TF_READS.contains(verb)) {
      return false;
    }
    return switch (verb) {
      case "state" -> !Set.of("list", "show", "pull", "").contains(sub);
      case "workspace", "env" -> !Set.of("list", "show", "select", "new", "").contains(sub);
      default -> true;
    };
  }

  private static boolean pulumiChange(List<Word> a) {
    int verbAt = -1;
    for (int i = 0; i < a.size() && verbAt < 0; i++) {
      verbAt = a.get(i).value().startsWith("-") ? -1 : i;
    }
    // pulumi stack --stack ls rm: cobra skips a flag's value on its way to the subcommand
    if (verbAt >= 0 && Set.of("stack", "plugin", "package", "state", "org", "policy", "env", "config")
        .contains(a.get(verbAt).value()) && ambiguous(a.subList(verbAt + 1, a.size()), PULUMI_FLAGS)) {
      return true;
    }
    if (ambiguous(a, Set.of("--yes", "-y", "--skip-preview", "-f", "--non-interactive", "--emoji", "--debug", "-d",
        "--diff", "--logtostderr", "--json", "-j", "--refresh", "-r", "--show-secrets", "--suppress-outputs",
        "--suppress-permalink", "--all", "-a", "--disable-integrity-checking"))) {
      return true;
    }
    List<String> ops = verbs(a);
    if (ops.isEmpty()) {
      return false; // pulumi alone prints its usage
    }
    String verb = ops.get(0);
    String sub = ops.size() > 1 ? ops.get(1) : "";
    return switch (verb) {
      case "preview", "pre", "whoami", "version", "about", "help", "config", "login", "logout", "logs", "schema",
          "convert", "gen-completion", "completion", "org", "console" -> false;
      case "stack" -> !Set.of("", "ls", "output", "select", "history", "export", "graph", "tag").contains(sub)
          || sub.equals("tag") && !(ops.size() > 2 && Set.of("get", "ls").contains(ops.get(2)));
      case "plugin", "package" -> !Set.of("ls", "get-schema", "").contains(sub);
      default -> true;
    };
  }

  // ---- object stores --------------------------------------------------------------------------------

  private static boolean gsutilChange(List<Word> a) {
    List<Word> words = new ArrayList<>();
    int i = 0;
    // gsutil's top-level options: -o KEY:VAL, -h HEADER, -u PROJECT, -i ACCOUNT take a value
    for (; i < a.size() && a.get(i).literal() && a.get(i).value().startsWith("-"); i++) {
      if (Set.of("-o", "-h", "-u", "-i").contains(a.get(i).value())) {
        i++;
      }
    }
    for (; i < a.size(); i++) {
      words.add(a.get(i));
    }
    if (words.isEmpty()) {
      return false;
    }
    if (words.stream().anyMatch(w -> !w.literal())) {
      return true;
    }
    String verb = words.get(0).value();
    List<String> r = words.subList(1, words.size()).stream().map(Word::value).toList();
    List<String> pos = r.stream().filter(v -> !v.startsWith("-")).toList();
    return switch (verb) {
      case "ls", "cat", "du", "stat", "hash", "version", "help", "signurl", "config", "update" -> verb.equals("update");
      case "cp" -> false; // a copy either way is remote-copy's
      // rsync -d removes at the destination what the source lacks; a copy is remote-copy's
      case "rsync" -> r.stream().anyMatch(v -> Regexes.matches(v, "-[a-zA-Z]*d[a-zA-Z]*|--delete.*"));
      case "acl", "iam", "versioning", "lifecycle", "cors", "logging", "web", "defacl", "label", "retention",
          "requesterpays", "ubla", "pap", "autoclass", "rpo", "kms", "notification", "defstorageclass", "bucketpolicyonly" ->
          pos.isEmpty() || !Set.of("get", "list").contains(pos.get(0));
      default -> true;
    };
  }

  private static final Set<String> RCLONE_READS = Set.of("ls", "lsd", "lsl", "lsf", "lsjson", "cat", "size", "check",
      "cryptcheck", "checksum", "about", "version", "listremotes", "tree", "hashsum", "md5sum", "sha1sum", "help",
      "obscure", "genautocomplete", "completion", "authorize", "config", "backend-features", "selfupdate-check");

  private static boolean rcloneChange(List<Word> a) {
    String verb = firstVerb(a, Set.of("-v", "-vv", "-q", "-P", "--progress", "--dry-run", "-n", "-i", "--interactive",
        "--verbose", "--quiet", "--ignore-existing", "--fast-list", "--checksum", "-c", "--update", "-u", "--no-traverse"));
    if (verb == null) {
      return !a.isEmpty();
    }
    if (RCLONE_READS.contains(verb)) {
      return false;
    }
    if (Set.of("copy", "copyto", "copyurl", "mount", "serve", "rcat").contains(verb)) {
      return false; // a copy, a mount or a server: remote-copy's (sync, move, bisync delete as well: both)
    }
    return true;
  }

  private static final Set<String> MINIO_CHANGES = Set.of("rm", "rb", "mv", "mirror", "pipe", "put", "cp", "mb",
      "retention", "legalhold", "ilm", "replicate", "anonymous", "policy", "event", "encrypt", "quota", "undo", "batch",
      "od", "admin", "idp", "tag", "version", "cors");

  private static boolean minioChange(String n, List<Word> a) {
    String verb = firstVerb(a, Set.of("--json", "--debug", "--insecure", "--quiet", "-q", "--no-color", "--disable-pager"));
    if (verb == null) {
      // an option before the verb the guard does not know (mc --config-dir D rm …): MinIO's verb among the first words
      return n.equals("mcli") && !a.isEmpty() || verbs(a).stream().limit(3).anyMatch(MINIO_CHANGES::contains);
    }
    if (!MINIO_CHANGES.contains(verb)) {
      return n.equals("mcli") && !Set.of("ls", "cat", "head", "stat", "du", "find", "diff", "tree", "share", "alias",
          "ping", "ready", "sql", "watch", "help", "get").contains(verb);
    }
    List<String> ops = verbs(a);
    String sub = ops.size() > 1 ? ops.get(1) : "";
    return switch (verb) {
      case "cp" -> {
        // mc cp ALIAS/bucket/x ./x: a download; the destination an alias's path is a change
        List<String> after = ops.subList(1, ops.size());
        yield after.size() < 2 || !Regexes.matches(after.get(after.size() - 1), "(?s)[./~].*");
      }
      case "admin" -> !Set.of("info", "trace", "top", "logs", "prometheus", "scanner").contains(sub);
      case "tag", "version", "retention", "legalhold", "quota", "anonymous", "policy", "event", "encrypt", "ilm",
          "replicate", "cors" -> !Set.of("list", "info", "get", "ls", "status").contains(sub)
          && !(ops.size() > 2 && Set.of("list", "info", "get", "ls", "status", "export").contains(ops.get(2)));
      default -> true;
    };
  }
}
