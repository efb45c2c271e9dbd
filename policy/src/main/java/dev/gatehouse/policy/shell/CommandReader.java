package dev.gatehouse.policy.shell;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.treesitter.TSNode;

/**
 * Walks bash's parse tree of a text and collects what {@link ShellReading} reports. Every node is
 * visited (so a {@code $(…)} anywhere — an argument, an assignment, a redirection, a here-document,
 * a {@code case} word, a {@code [[ … ]]} test — is found); simple commands are then unwrapped
 * ({@link Wrappers}) and code handed to a shell is read again, to a bounded depth.
 *
 * <p>Where tree-sitter's reading is known to differ from bash's, this class reads as bash does:
 * the inside of {@code `…`} is read again after bash's backslash processing (tree-sitter does not
 * see {@code \`…\`} nested inside), and a here-document or here-string fed to a shell is read as
 * that shell's code.
 */
final class CommandReader {
  static final int MAX_TEXT_BYTES = 64 * 1024;
  private static final int MAX_CODE_DEPTH = 12;
  private static final int MAX_TREE_DEPTH = 200;
  /**
   * The most time one text's reading may take (every nested code included); past it the text is
   * unclassified. A hostile text of 64 KiB must not hold a thread of the gateway for long.
   */
  static final java.time.Duration READ_BUDGET = java.time.Duration.ofSeconds(2);

  /** Thrown inside the walk when the reading is past its {@link #READ_BUDGET}. */
  private static final class OutOfTime extends RuntimeException {
    OutOfTime() {
      super(null, null, false, false);
    }
  }

  private final long deadline;

  CommandReader() {
    this(READ_BUDGET);
  }

  /** A reader with its own budget (tests: zero reads nothing). */
  CommandReader(java.time.Duration budget) {
    this(budget, ShellState.DEFAULTS);
  }

  /**
   * A reader of a text that runs where {@code state}'s options are on (a typed line at a prompt
   * whose hook reported them): read as if the text began by turning them on.
   */
  CommandReader(java.time.Duration budget, ShellState state) {
    this.deadline = System.nanoTime() + budget.toNanos();
    String atPrompt = " is on where the line runs (left on by an earlier line or the startup files)";
    if (state.has("nullglob")) {
      nullglobOn = "nullglob" + atPrompt;
    }
    if (state.has("globstar")) {
      globstarOn = "globstar" + atPrompt;
    }
    if (state.has("dotglob")) {
      hiddenOn = "dotglob" + atPrompt;
    } else if (state.has("globignore")) {
      hiddenOn = "GLOBIGNORE is set where the line runs, which makes patterns match hidden names as dotglob does";
    }
  }

  private void checkTime() {
    if (System.nanoTime() - deadline > 0) {
      throw new OutOfTime();
    }
  }
  private static final int MAX_COMMANDS = 2_000;

  private static final Set<String> RESERVED = Set.of("{", "}", "(", ")", "!", "if", "then", "else", "elif", "fi", "do",
      "done", "case", "esac", "while", "until", "for", "in", "select", "function", "[[", "]]");
  private final List<ShellCommand> commands = new ArrayList<>();
  private final List<ShellReading.Redirect> writes = new ArrayList<>();
  private final List<ShellReading.Redirect> reads = new ArrayList<>();
  /**
   * The files the text opens on each descriptor by number ({@code 3<F}, {@code exec 3<F}, {@code
   * 1<F}, a copy {@code 4<&3}), and on named ones ({@code {x}<F}) under {@link #NAMED_DESCRIPTOR}:
   * a write to the descriptor's name writes them ({@link #writesThroughDescriptorNames}). Kept for
   * the whole text, whichever command the redirection is on: the judge does not follow which
   * descriptors are still open where.
   */
  private final Map<Integer, List<Word>> descriptorFiles = new HashMap<>();
  private static final int NAMED_DESCRIPTOR = -1;
  private final List<ShellReading.Assignment> assignments = new ArrayList<>();
  private final List<ShellReading.FunctionDefinition> functions = new ArrayList<>();
  private final Set<String> unclassified = new LinkedHashSet<>();
  /** A literal word whose text bash would run if it evaluated it again ({@code 'a[$(reboot)]'}). */
  private String codeInLiteral;
  /** Something in the text that evaluates a value again: arithmetic, indirection, a name-taking builtin. */
  private String reEvaluator;
  /** How many texts were read as code so far: tells whether a command reached code of its own. */
  private int codeReads;
  /** A command turning bash's history expansion on ({@link ShellJudge#turnsOnHistory}), or null. */
  private String historyOn;
  /** A {@code !} word of the code read that history expansion replaces ({@link #HISTORY_EVENT}), or null. */
  private String historyEvent;
  /**
   * Who reads the code being read when that is a POSIX shell (dash) or may be one ({@code /bin/sh},
   * {@code $SHELL}, a login shell), not bash, as the reason words it ({@link PosixShellCode}); null
   * when bash reads it.
   */
  private String posixReader;
  /** A command that may turn on nullglob ({@link #mayTurnOnNullglob}), or null. */
  private String nullglobOn;
  /** A command given a pattern with words after it, which a pattern making no word would move, or null. */
  private String patternBeforeWords;
  /**
   * A command that may turn on globstar, or that it is on where the text runs ({@link ShellState}),
   * or null. (nocaseglob needs nothing of its own: patterns are matched ignoring case whatever the
   * option, see {@link PathPatterns#glob}.)
   */
  private String globstarOn;
  /** Why patterns may match hidden names where the text runs (dotglob or GLOBIGNORE at the prompt), or null. */
  private String hiddenOn;
  /** A command given an unquoted pathname pattern (an argument or a redirection's file), or null. */
  private String patternGiven;
  /** A command given an unquoted pattern holding {@code **}, or null. */
  private String doubleStarGiven;
  /** Whether the text after a here-document's end that only bash takes was read again (done once). */
  private boolean readPastHeredocEnd;
  /** Assignments made for one command only ({@code env VAR=x cmd}), by index: see {@link #command}. */
  private final List<Integer> scoped = new ArrayList<>();
  /**
   * Variables whose value is known, at this point of the walk, to be a plain number (or the name of
   * one that is): bash may evaluate them as arithmetic without running anything. See {@link #evaluates}.
   */
  private final Set<String> plainValues = new java.util.HashSet<>();
  /** Variables bash itself keeps numeric, whatever was assigned to them. */
  private static final Set<String> ALWAYS_PLAIN = Set.of("RANDOM", "SRANDOM", "SECONDS", "LINENO", "BASHPID", "PPID",
      "UID", "EUID", "EPOCHSECONDS");
  /** Builtins that store a value they read, print or compute in variables they name. */
  private static final Set<String> VALUE_SETTERS = Set.of("read", "printf", "mapfile", "readarray", "getopts", "wait",
      "declare", "typeset", "local", "source", ".", "eval", "let");
  /** A name in an arithmetic expression (not a digit's base or hex digits: {@code 16#ff}, {@code 0xff}). */
  private static final java.util.regex.Pattern NAME_IN_EXPR =
      java.util.regex.Pattern.compile("(?<![A-Za-z0-9_#@])[A-Za-z_][A-Za-z0-9_]*");
  /** {@code NAME=NUMBER} inside an arithmetic expression ({@code i=0}): NAME is plain afterwards. */
  private static final java.util.regex.Pattern PLAIN_IN_EXPR = java.util.regex.Pattern.compile(
      "(?<![A-Za-z0-9_=!<>+*/%&|^-])([A-Za-z_][A-Za-z0-9_]*)\\s*=(?!=)\\s*(-?[0-9]+)(?![A-Za-z0-9_#\\[.])");
  /** {@code $1}, {@code ${10}}, {@code $@}, {@code $*}, {@code $-} in an expression: values set outside the text. */
  private static final java.util.regex.Pattern POSITIONAL_IN_EXPR =
      java.util.regex.Pattern.compile("\\$\\{?[#!]?[0-9@*-]");
  private static final java.util.regex.Pattern PLAIN_VALUE = java.util.regex.Pattern.compile("[+-]?[0-9]+");
  private static final java.util.regex.Pattern IDENTIFIER = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** A variable's name, or an array element's ({@code a[i]}): what read or printf -v may store in. */
  private static final java.util.regex.Pattern IDENTIFIER_OR_ELEMENT =
      java.util.regex.Pattern.compile("(?s)[A-Za-z_][A-Za-z0-9_]*(\\[.*\\])?");
  /** {@code ${NAME:=word}} and {@code ${NAME=word}}: bash assigns word to NAME when it is unset (or empty). */
  private static final java.util.regex.Pattern EXPANSION_ASSIGNS =
      java.util.regex.Pattern.compile("(?s)\\$\\{([A-Za-z_][A-Za-z0-9_]*(?:\\[[^\\]]*\\])?):?=.*}");
  /** {@code ${s:OFFSET}}, {@code ${s:OFFSET:LENGTH}}: both arithmetic. */
  private static final java.util.regex.Pattern SUBSTRING =
      java.util.regex.Pattern.compile("(?s)\\$\\{!?(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(?:\\[[^\\]]*\\])?:(?![-=?+])(.*)}");
  /** {@code ${!NAME}}, {@code ${!NAME[i]}}: the value is a name (subscript included) bash looks up. */
  private static final java.util.regex.Pattern INDIRECTION =
      java.util.regex.Pattern.compile("(?s)\\$\\{!([A-Za-z_][A-Za-z0-9_]*|[0-9]+)(\\[(?![@*]\\])[^\\]]*\\])?([^*@\\[].*)?}");
  private static final Set<String> ARITHMETIC_TESTS = Set.of("-eq", "-ne", "-lt", "-le", "-gt", "-ge");

  /** Builtins that take a variable name (subscript included, which is arithmetic) or arithmetic. */
  private static final Set<String> NAME_TAKERS = Set.of("declare", "typeset", "local", "export", "readonly", "let",
      "printf", "read", "test", "[", "unset", "mapfile", "readarray", "getopts", "wait", "source", ".");
  /** An argument of declare/export/… that sets a variable: {@code NAME=…}, {@code NAME[i]+=…}. */
  private static final java.util.regex.Pattern DECLARED =
      java.util.regex.Pattern.compile("(?s)([A-Za-z_][A-Za-z0-9_]*(?:\\[[^\\]]*\\])?)\\+?=.*");
  /** Variables whose value bash expands again (prompts, set -x's prefix) or runs (PROMPT_COMMAND). */
  private static final Set<String> EXPANDED_VARS = Set.of("PS0", "PS1", "PS2", "PS3", "PS4", "PROMPT_COMMAND",
      "BASH_ENV", "ENV");
  /** Variables bash evaluates a value assigned to as arithmetic ({@code OPTIND=x} evaluates x's value). */
  static final Set<String> ARITHMETIC_VARS = Set.of("OPTIND", "RANDOM", "SRANDOM", "HISTCMD");
  /** A variable name with a subscript, as a name-taking builtin gets it ({@code 'a[x]'}). */
  private static final java.util.regex.Pattern SUBSCRIPTED =
      java.util.regex.Pattern.compile("(?s)([A-Za-z_][A-Za-z0-9_]*)\\[(.*)\\]");
  /** An assignment inside an arithmetic expression: {@code NAME = …}, {@code NAME[i] += …}, {@code NAME <<= …}. */
  private static final java.util.regex.Pattern ASSIGN_IN_EXPR = java.util.regex.Pattern.compile(
      "(?<![A-Za-z0-9_#@$])([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\[[^\\]]*\\])?\\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)");
  /** {@code ++NAME}, {@code NAME--}: an assignment too. */
  private static final java.util.regex.Pattern STEP_IN_EXPR = java.util.regex.Pattern.compile(
      "(?:\\+\\+|--)\\s*([A-Za-z_][A-Za-z0-9_]*)|(?<![A-Za-z0-9_#@$])([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\[[^\\]]*\\])?\\s*(?:\\+\\+|--)");
  /** {@code -v NAME} and {@code -R NAME} in a {@code [ … ]} or {@code [[ … ]]} test: NAME's subscript is evaluated. */
  private static final java.util.regex.Pattern NAME_TEST =
      java.util.regex.Pattern.compile("(?<=\\s)-[vR]\\s+((?:'[^']*'|\"(?:[^\"\\\\]|\\\\.)*\"|\\\\.|[^\\s;&|)])+)");
  /** An element of an array literal with an index: {@code [x]=1}, {@code [x]+=1}. */
  private static final java.util.regex.Pattern INDEXED_ELEMENT = java.util.regex.Pattern.compile("(?s)\\[(.*?)\\]\\+?=.*");
  private static final java.util.regex.Pattern RE_EVALUATES = java.util.regex.Pattern.compile(
      "\\(\\(|\\$\\[|\\[\\[|\\$\\{!|\\$\\{[^}]*(@|\\[|:[^-=?+])");

  /**
   * A {@code !} that bash's history expansion reads as an event ({@code !!}, {@code !:1-2}, {@code
   * !-1}, {@code !^:s/Q//}): any but one before a blank, a line's end or {@code =}, which it leaves
   * (bash's history_no_expand_chars). Failing closed, also one in single quotes or after a
   * backslash, which it leaves too.
   */
  private static final Pattern HISTORY_EVENT = Pattern.compile("![^\\s=]\\S{0,40}");

  /** One parsed text being walked: its tree, how it is reached, how deep in code-in-code. */
  private record Ctx(BashGrammar.Parsed p, List<String> via, int codeDepth) {}

  ShellReading read(String text) {
    if (text.indexOf('\0') >= 0) {
      unclassified.add("the text holds a NUL byte");
    } else if (text.length() * 3L > MAX_TEXT_BYTES && text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
      unclassified.add("the text is longer than " + MAX_TEXT_BYTES + " bytes");
    } else {
      try {
        code(text, List.of(), 0);
        makeProgram();
      } catch (OutOfTime e) {
        unclassified.add("the text took longer than " + READ_BUDGET.toSeconds() + " s to read");
      }
    }
    if (historyOn != null && historyEvent != null) {
      // Once a line turns history and its expansion on (bash -c reads, saves and expands each later
      // line), bash replaces a later line's ! word by words of earlier lines before it parses it:
      // the line it runs is not the one read here.
      unclassified.add("history expansion is turned on (" + shown(historyOn) + ") and bash replaces "
          + shown(historyEvent) + " with words of an earlier line before it reads it");
    }
    if (nullglobOn != null && patternBeforeWords != null) {
      // Under nullglob a pattern that matches nothing is no word at all, and each word after it
      // takes the place before: a value the readers skipped becomes an option or a primary
      // (shopt -s nullglob; find . ! -path ./q* -name -exec CMD \;). Any order: a loop or a
      // function may run the command after the shopt.
      unclassified.add("nullglob may be on (" + shown(nullglobOn) + "): a pattern that matches nothing makes no word and"
          + " moves the words after it: " + shown(patternBeforeWords));
    }
    for (ShellReading.Redirect w : writes) {
      // bash expands a pattern in a redirection's file name too (when it makes one name).
      if (isPattern(w.target())) {
        patternGiven = patternGiven == null ? w.text() : patternGiven;
        doubleStarGiven = doubleStarGiven == null && w.target().value().contains("**") ? w.text() : doubleStarGiven;
      }
    }
    if (globstarOn != null && doubleStarGiven != null) {
      unclassified.add("globstar may be on (" + shown(globstarOn) + "): ** matches names in any directory below, which the"
          + " guard judges as one name: " + shown(doubleStarGiven));
    }
    if (hiddenOn != null && patternGiven != null) {
      unclassified.add(hiddenOn + ": patterns match hidden files, which the guard judges as bash's default does: "
          + shown(patternGiven));
    }
    if (codeInLiteral != null && reEvaluator != null) {
      unclassified.add("a literal holds code (" + shown(codeInLiteral) + ") and " + reEvaluator
          + " may evaluate it again");
    }
    writesThroughDescriptorNames();
    return new ShellReading(text, commands, writes, reads, assignments, functions, List.copyOf(unclassified));
  }

  private void code(String text, List<String> via, int depth) {
    checkTime();
    codeReads++;
    if (depth > MAX_CODE_DEPTH) {
      unclassified.add("code nested more than " + MAX_CODE_DEPTH + " levels deep");
      return;
    }
    BashGrammar.Parsed p = BashGrammar.parse(text);
    if (p == null) {
      unclassified.add("the text took too long to parse");
      return;
    }
    String joined = withoutLineContinuations(p);
    if (joined != null) {
      // bash drops backslash-newline before it splits words; tree-sitter may split there instead.
      code(joined, via, depth + 1);
      return;
    }
    if (p.root.hasError()) {
      unclassified.add("the text does not parse as bash" + where(p, p.root, via));
    }
    String bashOnly = posixReader != null ? PosixShellCode.bashOnly(text) : null;
    if (bashOnly != null) {
      // The commands listed are bash's reading; dash reads this construct otherwise.
      unclassified.add("code " + posixReader + " holds what bash reads otherwise: " + bashOnly
          + (via.isEmpty() ? "" : " (in " + String.join(" / ", via) + ")"));
    }
    Matcher event = historyEvent == null ? HISTORY_EVENT.matcher(text) : null;
    if (event != null && event.find()) {
      historyEvent = event.group();
    }
    java.util.regex.Matcher m = RE_EVALUATES.matcher(text);
    if (reEvaluator == null && m.find()) {
      reEvaluator = "'" + m.group() + "'";
    }
    Ctx ctx = new Ctx(p, via, depth);
    lineBreaks(p.root, ctx, 0);
    walk(p.root, ctx, 0);
  }

  /**
   * The text with every line continuation (an unescaped backslash before a newline, outside single
   * quotes, comments and quoted here-documents) removed, as bash reads it; null when there is none.
   */
  private static String withoutLineContinuations(BashGrammar.Parsed p) {
    byte[] b = p.utf8;
    List<Integer> live = new ArrayList<>();
    for (int i = 1; i < b.length; i++) {
      if (b[i] != '\n' || b[i - 1] != '\\') {
        continue;
      }
      int slashes = 0;
      for (int j = i - 1; j >= 0 && b[j] == '\\'; j--) {
        slashes++;
      }
      if (slashes % 2 == 0 || !continuationAt(p, i - 1)) {
        continue;
      }
      live.add(i - 1);
    }
    if (live.isEmpty()) {
      return null;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length);
    int from = 0;
    for (int at : live) {
      out.write(b, from, at - from);
      from = at + 2;
    }
    out.write(b, from, b.length - from);
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static boolean continuationAt(BashGrammar.Parsed p, int at) {
    TSNode n = p.root.getDescendantForByteRange(at, at + 1);
    for (; n != null && !n.isNull(); n = n.getParent()) {
      switch (n.getType()) {
        case "raw_string", "comment", "ansi_c_string" -> {
          return false;
        }
        case "heredoc_body" -> {
          TSNode redirect = n.getParent();
          for (int i = 0; redirect != null && !redirect.isNull() && i < redirect.getChildCount(); i++) {
            if (redirect.getChild(i).getType().equals("heredoc_start")) {
              String d = p.text(redirect.getChild(i));
              return !(d.contains("'") || d.contains("\"") || d.contains("\\"));
            }
          }
          return true;
        }
        default -> {}
      }
    }
    return true;
  }

  private static String where(BashGrammar.Parsed p, TSNode root, List<String> via) {
    TSNode bad = firstError(root, 0);
    String in = via.isEmpty() ? "" : " (in " + String.join(" / ", via) + ")";
    if (bad == null) {
      return in;
    }
    String near = p.slice(bad.getStartByte(), Math.min(p.utf8.length, Math.max(bad.getEndByte(), bad.getStartByte() + 1)));
    if (near.length() > 40) {
      near = near.substring(0, 40) + "…";
    }
    return in + " near '" + near + "'";
  }

  private static TSNode firstError(TSNode n, int depth) {
    if (n.isError() || n.isMissing()) {
      return n;
    }
    if (depth > MAX_TREE_DEPTH || !n.hasError()) {
      return null;
    }
    for (TSNode child : BashGrammar.children(n)) {
      TSNode e = firstError(child, depth + 1);
      if (e != null) {
        return e;
      }
    }
    return null;
  }

  private void walk(TSNode n, Ctx c, int depth) {
    checkTime();
    if (depth > MAX_TREE_DEPTH) {
      unclassified.add("the text nests more than " + MAX_TREE_DEPTH + " levels deep");
      return;
    }
    if (n.isError() || n.isMissing()) {
      unclassified.add("the text does not parse as bash" + where(c.p, n, c.via));
    }
    switch (n.getType()) {
      case "word", "raw_string", "string", "ansi_c_string", "concatenation" -> laterCode(ShellWords.word(c.p, n).value());
      case "arithmetic_expansion" -> evaluates(c.p.text(n), "arithmetic");
      case "subscript" -> {
        String t = c.p.text(n);
        int b = t.indexOf('[');
        String index = b < 0 || !t.endsWith("]") ? t : t.substring(b + 1, t.length() - 1);
        if (!index.equals("@") && !index.equals("*")) {
          evaluates(index, "an array subscript");
        }
      }
      case "expansion" -> expansion(n, c);
      case "test_command" -> testCommand(n, c);
      case "array" -> {
        for (int i = 0; i < n.getNamedChildCount(); i++) {
          java.util.regex.Matcher el = INDEXED_ELEMENT.matcher(c.p.text(n.getNamedChild(i)));
          if (el.matches()) {
            evaluates(el.group(1), "an array element's index");
          }
        }
      }
      case "binary_expression" -> {
        for (int i = 0; i < n.getChildCount(); i++) {
          if (n.getChild(i).getType().equals("test_operator") && ARITHMETIC_TESTS.contains(c.p.text(n.getChild(i)))) {
            for (int k = 0; k < n.getChildCount(); k++) {
              if (k != i) {
                evaluates(c.p.text(n.getChild(k)), "an arithmetic test");
              }
            }
          }
        }
      }
      case "c_style_for_statement" -> {
        String t = c.p.text(n);
        int open = t.indexOf("((");
        int close = t.indexOf("))");
        evaluates(open >= 0 && close > open ? t.substring(open + 2, close) : t, "arithmetic");
      }
      default -> {}
    }
    switch (n.getType()) {
      case "comment" -> {}
      case "command" -> command(n, c, depth, null);
      case "redirected_statement" -> redirected(n, c, depth);
      case "pipeline" -> pipeline(n, c, depth, null);
      case "function_definition" -> function(n, c, depth);
      case "variable_assignment" -> assignment(n, c, depth);
      case "declaration_command", "unset_command" -> declaration(n, c, depth);
      case "command_substitution" -> substitution(n, c, depth);
      case "for_statement" -> loopVariable(n, c, depth);
      case "file_redirect", "heredoc_redirect", "herestring_redirect" -> redirect(n, c, depth, new Feed());
      default -> children(n, c, depth);
    }
  }

  /**
   * tree-sitter-bash can read a line break as the space between two words of one command (a line
   * that starts with a backslash); bash ends the command there. Such a reading is not bash's.
   */
  private void lineBreaks(TSNode n, Ctx c, int depth) {
    checkTime();
    if (depth > MAX_TREE_DEPTH) {
      return;
    }
    if (STRUCTURE.contains(n.getType())) {
      escapedBlankBetween(n, c);
    }
    switch (n.getType()) {
      case "command", "file_redirect", "herestring_redirect", "heredoc_redirect", "declaration_command",
          "unset_command" -> lineBreakInside(n, c);
      case "word", "concatenation" -> {
        if (ShellWords.bareNewline(c.p.text(n))) {
          unclassified.add("the grammar read a line break inside a word, where bash ends the command: "
              + shown(c.p.text(n).strip()));
        }
      }
      default -> {}
    }
    for (TSNode child : BashGrammar.children(n)) {
      lineBreaks(child, c, depth + 1);
    }
  }

  /** Nodes whose children are separated by blanks only (no quoted or raw text between them). */
  private static final java.util.Set<String> STRUCTURE = java.util.Set.of("program", "list", "pipeline", "subshell",
      "compound_statement", "redirected_statement", "if_statement", "elif_clause", "else_clause", "while_statement",
      "for_statement", "c_style_for_statement", "do_group", "function_definition", "negated_command",
      "declaration_command", "unset_command", "file_redirect", "herestring_redirect", "case_statement");

  /**
   * tree-sitter-bash skips an escaped blank between tokens as if it were space; bash makes it part
   * of a word ({@code ;\ rm} runs a command named " rm", {@code >\ f} writes to " f"). Between the
   * words of one command the words are rebuilt ({@link ShellWords#join}); anywhere else such a
   * reading is not bash's.
   */
  private void escapedBlankBetween(TSNode n, Ctx c) {
    int pos = n.getStartByte();
    java.util.List<TSNode> kids = BashGrammar.children(n);
    for (int i = 0; i <= kids.size(); i++) {
      int next = i < kids.size() ? kids.get(i).getStartByte() : n.getEndByte();
      if (next > pos && c.p.slice(pos, next).indexOf('\\') >= 0) {
        unclassified.add("an escaped blank where the grammar saw space between words: " + shown(c.p.text(n)));
        return;
      }
      if (i < kids.size()) {
        pos = Math.max(pos, kids.get(i).getEndByte());
      }
    }
  }

  private void lineBreakInside(TSNode n, Ctx c) {
    int pos = -1;
    for (TSNode ch : BashGrammar.children(n)) {
      if (ch.getType().equals("heredoc_redirect") || ch.getType().equals("heredoc_body")) {
        return; // what follows a here-document's start is its body, on the next lines by design
      }
      if (pos >= 0 && ch.getStartByte() > pos && c.p.slice(pos, ch.getStartByte()).indexOf('\n') >= 0) {
        unclassified.add("the grammar read a line break inside a command, where bash ends it: "
            + shown(c.p.text(n).strip()));
        return;
      }
      pos = ch.getEndByte();
    }
  }

  private void children(TSNode n, Ctx c, int depth) {
    for (TSNode child : BashGrammar.children(n)) {
      walk(child, c, depth + 1);
    }
  }

  /**
   * {@code $(…)} as the grammar read it; {@code `…`} read again from its text after bash's
   * backslash processing ({@code \\}, {@code \`}, {@code \$} lose the backslash), so nested
   * backticks are seen as bash sees them.
   */
  private void substitution(TSNode n, Ctx c, int depth) {
    String src = c.p.text(n);
    if (!src.startsWith("`")) {
      children(n, c, depth);
      return;
    }
    // bash ends `…` at the first backquote not escaped by a backslash; the grammar may not.
    int end = -1;
    for (int i = 1; i < src.length(); i++) {
      char ch = src.charAt(i);
      if (ch == '\\') {
        i++;
      } else if (ch == '`') {
        end = i;
        break;
      }
    }
    if (end != src.length() - 1) {
      unclassified.add("the grammar's end of a `…` substitution is not bash's: " + shown(src));
      children(n, c, depth);
      return;
    }
    String inner = src.substring(1, src.length() - 1);
    boolean inDoubleQuotes = insideDoubleQuotes(n);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < inner.length(); i++) {
      char ch = inner.charAt(i);
      if (ch == '\\' && i + 1 < inner.length()) {
        char next = inner.charAt(i + 1);
        if (next == '\\' || next == '`' || next == '$' || (inDoubleQuotes && next == '"')) {
          b.append(next);
          i++;
          continue;
        }
      }
      b.append(ch);
    }
    code(b.toString(), c.via, c.codeDepth + 1);
  }

  /**
   * Where an unquoted here-document's body holds a {@code $(} not escaped by a backslash (char
   * offsets into {@code body}). {@code $((} counts too: bash reads it as arithmetic only when a
   * matching {@code ))} closes it, and {@code $((cmd) )} is a command substitution of a subshell.
   */
  static List<Integer> dollarParens(String body) {
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i + 1 < body.length(); i++) {
      char ch = body.charAt(i);
      if (ch == '\\') {
        i++;
      } else if (ch == '$' && body.charAt(i + 1) == '(') {
        at.add(i);
      }
    }
    return at;
  }

  /**
   * Whether some {@code $(} of {@code text} (which starts at byte {@code from} of {@code p}) has no
   * command substitution or arithmetic expansion of the grammar starting there: the grammar left it
   * as text (one at the start of an indented here-document line), and bash runs it.
   */
  private static boolean missesSubstitutions(BashGrammar.Parsed p, TSNode scope, int from, String text) {
    Set<Integer> nodes = new HashSet<>();
    substitutionStarts(p, scope, nodes);
    int bytes = 0;
    int last = 0;
    for (int at : dollarParens(text)) {
      bytes += text.substring(last, at).getBytes(StandardCharsets.UTF_8).length;
      last = at;
      if (!nodes.contains(from + bytes)) {
        return true;
      }
    }
    return false;
  }

  /** The start and end bytes of the {@code $(…)} and {@code $((…))} nodes in {@code n}'s subtree (the widest at a start). */
  private static void substitutionSpans(BashGrammar.Parsed p, TSNode n, java.util.Map<Integer, Integer> into) {
    String t = n.getType();
    if ((t.equals("command_substitution") || t.equals("arithmetic_expansion"))
        && p.slice(n.getStartByte(), Math.min(n.getEndByte(), n.getStartByte() + 2)).equals("$(")) {
      into.merge(n.getStartByte(), n.getEndByte(), Math::max);
    }
    for (TSNode child : BashGrammar.namedChildren(n)) {
      substitutionSpans(p, child, into);
    }
  }

  /** The start bytes of the {@code $(…)} and {@code $((…))} nodes in {@code n}'s subtree. */
  private static void substitutionStarts(BashGrammar.Parsed p, TSNode n, Set<Integer> into) {
    String t = n.getType();
    if ((t.equals("command_substitution") || t.equals("arithmetic_expansion"))
        && p.slice(n.getStartByte(), Math.min(n.getEndByte(), n.getStartByte() + 2)).equals("$(")) {
      into.add(n.getStartByte());
    }
    for (TSNode child : BashGrammar.namedChildren(n)) {
      substitutionStarts(p, child, into);
    }
  }

  /**
   * `…` in an unquoted here-document's body run when it is expanded; the grammar leaves them as text.
   * bash expands the body from left to right: a {@code $(…)} (or {@code $((…))}) outside backquotes
   * is taken whole, quotes in it included ({@code $(: '`')} holds a literal backquote), and a
   * backquote then runs to the next unescaped one. The {@code $(…)} the grammar found in the body
   * (its byte ranges) are skipped so that a backquote quoted in one is not paired with a real one.
   */
  private void backquotesIn(String body, Ctx c, TSNode bodyNode, int bodyStart) {
    java.util.Map<Integer, Integer> spans = new java.util.HashMap<>();
    if (bodyNode != null) {
      substitutionSpans(c.p, bodyNode, spans);
    }
    int open = -1;
    StringBuilder inner = new StringBuilder();
    int[] byteAt = new int[body.length() + 1]; // the byte of c.p at each char of the body
    for (int i = 0, b = bodyStart; i <= body.length(); i++) {
      byteAt[i] = b;
      if (i < body.length()) {
        char ch = body.charAt(i);
        b += ch < 0x80 ? 1 : ch < 0x800 ? 2 : Character.isHighSurrogate(ch) ? 4 : Character.isLowSurrogate(ch) ? 0 : 3;
      }
    }
    for (int i = 0; i < body.length(); i++) {
      Integer spanEnd = open < 0 ? spans.get(byteAt[i]) : null;
      if (spanEnd != null) {
        // The grammar reads this $(…) as a command substitution (walked with the body): skip it.
        int j = i;
        while (j < body.length() && byteAt[j] < spanEnd) {
          j++;
        }
        i = j - 1;
        continue;
      }
      char ch = body.charAt(i);
      if (ch == '\\' && i + 1 < body.length()) {
        char next = body.charAt(i + 1);
        if (open >= 0) {
          inner.append("\\$`".indexOf(next) >= 0 ? String.valueOf(next) : "\\" + next);
        }
        i++;
        continue;
      }
      if (ch == '`') {
        if (open < 0) {
          open = i;
          inner.setLength(0);
        } else {
          code(inner.toString(), via(c.via, "<<"), c.codeDepth + 1);
          open = -1;
        }
        continue;
      }
      if (open >= 0) {
        inner.append(ch);
      }
    }
    if (open >= 0) {
      unclassified.add("an unterminated `…` in a here-document");
    }
  }

  private static boolean insideDoubleQuotes(TSNode n) {
    for (TSNode p = n.getParent(); p != null && !p.isNull(); p = p.getParent()) {
      String t = p.getType();
      if (t.equals("string")) {
        return true;
      }
      if (t.equals("command_substitution") || t.equals("command") || t.equals("program")) {
        return false;
      }
    }
    return false;
  }

  /** What a command's redirections feed it (a here-document's text) and where its input comes from. */
  private static final class Feed {
    ShellCommand.Stdin stdin = ShellCommand.Stdin.TERMINAL;
    String text; // here-document or here-string body, when known exactly
    boolean textUnknown;
    String file; // the file a < redirection names, when stdin is FILE
    /**
     * Words the grammar hangs on a redirection after its target ({@code rm 2>/dev/null -rf /}):
     * bash reads them as the command's arguments.
     */
    final List<Word> extraArgs = new ArrayList<>();
    /**
     * The input as the redirections written after the command's words left it ({@code bash <<<x
     * 0<&3}: the grammar hangs the here-string on the command and 0<&3 after it), null when they
     * do not set it: bash applies them after the command's own.
     */
    Feed later;
  }

  private void redirected(TSNode n, Ctx c, int depth) {
    Feed feed = new Feed();
    TSNode body = null;
    for (int i = 0; i < n.getChildCount(); i++) {
      TSNode ch = n.getChild(i);
      String t = ch.getType();
      if (t.equals("file_redirect") || t.equals("heredoc_redirect") || t.equals("herestring_redirect")) {
        ShellCommand.Stdin before = feed.stdin;
        feed.stdin = null;
        redirect(ch, c, depth + 1, feed);
        if (feed.stdin == null) {
          feed.stdin = before;
        } else {
          feed.later = new Feed();
          feed.later.stdin = feed.stdin;
          feed.later.text = feed.text;
          feed.later.textUnknown = feed.textUnknown;
          feed.later.file = feed.file;
        }
      } else if (body == null && ch.isNamed()) {
        body = ch;
      } else {
        walk(ch, c, depth + 1);
      }
    }
    if (body == null) {
      if (!feed.extraArgs.isEmpty()) {
        unclassified.add("words after a redirection with no command: " + shown(c.p.text(n)));
      }
      return;
    }
    if (!feed.extraArgs.isEmpty() && !Set.of("command", "pipeline", "list", "negated_command").contains(body.getType())) {
      unclassified.add("words after a compound command's redirection: " + shown(c.p.text(n)));
    }
    withFeedForLast(body, c, depth + 1, feed);
  }

  /**
   * The grammar hangs a redirection written after {@code a && b} or {@code a | b} on the whole list
   * or pipeline; bash gives it to the last command ({@code b}). A compound command ({@code { … }},
   * {@code ( … )}, {@code while}) keeps it for itself.
   */
  private void withFeedForLast(TSNode n, Ctx c, int depth, Feed feed) {
    switch (n.getType()) {
      case "command" -> command(n, c, depth, feed);
      case "pipeline" -> pipeline(n, c, depth, feed);
      case "list", "negated_command" -> {
        int last = -1;
        for (int i = 0; i < n.getChildCount(); i++) {
          if (n.getChild(i).isNamed()) {
            last = i;
          }
        }
        for (int i = 0; i < n.getChildCount(); i++) {
          if (i == last) {
            withFeedForLast(n.getChild(i), c, depth + 1, feed);
          } else {
            walk(n.getChild(i), c, depth + 1);
          }
        }
      }
      default -> walk(n, c, depth);
    }
  }

  private void redirect(TSNode n, Ctx c, int depth, Feed feed) {
    String t = n.getType();
    if (t.equals("heredoc_redirect")) {
      TSNode d = n.getChildByFieldName("descriptor");
      // bash 3<<EOF: the text is on descriptor 3; the input stays what it was.
      heredoc(n, c, depth, d == null || d.isNull() || Regexes.matches(c.p.text(d), "0+") ? feed : new Feed());
      return;
    }
    if (t.equals("herestring_redirect")) {
      for (int i = 0; i < n.getNamedChildCount(); i++) {
        TSNode w = n.getNamedChild(i);
        walk(w, c, depth + 1);
        Word word = ShellWords.word(c.p, w);
        if (i > 0) {
          feed.extraArgs.add(word);
          continue;
        }
        feed.stdin = ShellCommand.Stdin.TEXT;
        if (word.literal()) {
          feed.text = word.value() + "\n";
        } else {
          feed.textUnknown = true;
        }
      }
      return;
    }
    String op = null;
    TSNode dest = null;
    String fd = ShellWords.gluedDescriptorOf(c.p, n);
    String named = fd == null ? null : ShellWords.namedDescriptor(fd);
    if (named != null) {
      // {x}>f stores the new descriptor's number in x: a variable set, to a value the text does not
      // hold; a subscript is evaluated as arithmetic ({a[$(reboot)]}>f runs reboot).
      if (named.indexOf('[') >= 0 && Regexes.matches(named.substring(named.indexOf('[')), "(?s).*[$`].*")) {
        unclassified.add("a named descriptor whose subscript bash evaluates: " + shown(c.p.text(n)));
      }
      assignments.add(new ShellReading.Assignment(named, new Word(fd, String.valueOf(Word.UNKNOWN), false), fd + c.p.text(n)));
    }
    for (int i = 0; i < n.getChildCount(); i++) {
      TSNode ch = n.getChild(i);
      if (ch.getType().equals("file_descriptor")) {
        fd = c.p.text(ch);
        if (!ShellWords.descriptor(fd)) {
          // bash reads digits too large for a descriptor as a word of the command, the grammar as a descriptor.
          unclassified.add("a redirection's descriptor bash reads as a word: " + shown(c.p.text(n)));
        }
      } else if (!ch.isNamed()) {
        op = c.p.text(ch);
      } else if (ShellWords.gluedDescriptor(c.p, ch)) {
        // cat 2>x 0<y: the grammar hangs the next redirection's descriptor on this one.
        continue;
      } else {
        walk(ch, c, depth + 1);
        // <&- and >&- (close the descriptor) are one token with no target: what follows are words of the command.
        if (dest == null && !(op != null && op.endsWith("&-"))) {
          dest = ch;
        } else {
          feed.extraArgs.add(ShellWords.word(c.p, ch));
        }
      }
    }
    if (op == null || dest == null) {
      return;
    }
    Word target = kernelResolved(ShellWords.word(c.p, dest));
    openOnDescriptor(fd, named, op, target);
    if (op.startsWith("<") && !op.endsWith("&")) {
      reads.add(new ShellReading.Redirect(target, c.p.text(n)));
    }
    if (op.contains(">")) {
      Word w = target;
      boolean fdDup = op.endsWith("&") && (Regexes.matches(w.value(), "[0-9]+-?") || w.value().equals("-"));
      if (!fdDup) {
        writes.add(new ShellReading.Redirect(w, c.p.text(n)));
      }
      if (fd != null && Regexes.matches(fd, "0+")) {
        // 0>&N and 0>&N- put descriptor N on the input as 0<&N does (bash 3<&0 < f 0>&3 reads the
        // session's input again, < f 0>&2 the terminal); 0>FILE opens a file for writing there,
        // from which nothing is read. Redirections apply left to right: the last one is the input.
        boolean descriptor = op.endsWith("&") && (!w.literal() || Regexes.matches(w.value(), "[0-9]+-?"));
        if (!(descriptor && Regexes.matches(w.value(), "0+"))) {
          feed.stdin = descriptor ? ShellCommand.Stdin.SUBSTITUTION : ShellCommand.Stdin.TERMINAL;
        }
      }
    } else if (op.equals("<") && (fd == null || Regexes.matches(fd, "0+"))) {
      // bash < /dev/tty reads the terminal as much as bash alone does: the person's next lines.
      // Another descriptor (bash 3< FILE, bash {x}< FILE) leaves its input, the terminal, as it is.
      // Only a file named literally that is not a device or a descriptor counts as a file: a name
      // only known when it runs may be the terminal. A process substitution (bash < <(echo CMD))
      // feeds it another command's output, which may itself be the terminal's (bash < <(cat)).
      Word from = target;
      feed.stdin = Interpreters.regularPath(from) ? ShellCommand.Stdin.FILE
          : from.source().startsWith("<(") ? ShellCommand.Stdin.SUBSTITUTION : ShellCommand.Stdin.TERMINAL;
      feed.file = from.value();
    } else if (op.equals("<&") && (fd == null || Regexes.matches(fd, "0+"))) {
      // bash <&3 3< <(echo CMD): its input is whatever another descriptor holds (a pipe the text
      // opened, a file, the terminal).
      String v = ShellWords.word(c.p, dest).value();
      if (!Regexes.matches(v, "0+")) {
        feed.stdin = ShellCommand.Stdin.SUBSTITUTION;
      }
    }
  }

  /**
   * Notes the file a redirection opens on its descriptor ({@link #descriptorFiles}): {@code 3<F},
   * {@code >F} (descriptor 1), {@code &>F} (1 and 2), {@code {x}<F} (a named one), and for a copy
   * ({@code 4<&3}, {@code 1>&3-}) the files of the descriptor copied; a copy of one only known when
   * it runs ({@code 4<&$n}) may be any the text opened.
   */
  private void openOnDescriptor(String fd, String named, String op, Word target) {
    String v = target.value();
    // >/dev/stdout opens descriptor 1 on what descriptor 1 was: a copy, as 1>&1.
    var byName = target.literal() ? DescriptorNames.of(v).filter(d -> d.own() && d.beyond().isEmpty()) : Optional.<DescriptorNames.Named>empty();
    if (byName.isPresent()) {
      v = String.valueOf(byName.get().descriptor());
    }
    boolean copy = byName.isPresent() || op.endsWith("&") && target.literal() && Regexes.matches(v, "[0-9]+-?");
    List<Integer> on = new ArrayList<>();
    if (named != null) {
      on.add(NAMED_DESCRIPTOR);
    } else if (fd != null) {
      if (!Regexes.matches(fd, "[0-9]{1,9}")) {
        return;
      }
      on.add(Integer.parseInt(fd));
    } else if (op.startsWith("<")) {
      on.add(0);
    } else if (op.startsWith("&>") || op.equals(">&") && !copy) {
      on.addAll(List.of(1, 2));
    } else {
      on.add(1);
    }
    List<Word> files = new ArrayList<>();
    if (copy) {
      String digits = v.endsWith("-") ? v.substring(0, v.length() - 1) : v;
      int from = digits.length() > 9 ? -2 : Integer.parseInt(digits);
      files.addAll(descriptorFiles.getOrDefault(from, List.of()));
      if (from >= 10) {
        files.addAll(descriptorFiles.getOrDefault(NAMED_DESCRIPTOR, List.of())); // bash gives named ones 10 and up
      }
    } else if (op.endsWith("&") && !target.literal()) {
      descriptorFiles.values().forEach(files::addAll);
    } else if (!(target.literal() && Set.of("/dev/null", "/dev/tty").contains(v))) {
      // (what goes to /dev/null or the terminal by its name goes there as well by the descriptor's)
      files.add(target);
    }
    for (int d : on) {
      descriptorFiles.computeIfAbsent(d, k -> new ArrayList<>()).addAll(files);
    }
  }

  /**
   * A write to a descriptor's name ({@code >/dev/fd/3}, {@code >>/dev/stdout}, {@code
   * >/proc/self/fd/3}: {@link DescriptorNames}) is a write to the file behind the descriptor, which
   * the kernel opens again with the redirection's flags: each file the text opened on that
   * descriptor ({@code 3<F}, even for reading) is written, and so is an unknown file for a name
   * with components after the descriptor ({@code /dev/fd/3/../7}: in the directory the descriptor
   * is, whatever the letters say).
   */
  private void writesThroughDescriptorNames() {
    for (ShellReading.Redirect w : List.copyOf(writes)) {
      Word t = w.target();
      if (!t.literal()) {
        // >/proc/$$/fd/3, >/dev/fd/$x: a descriptor only known when it runs may be any the text opened.
        if (Regexes.matches(Interpreters.opened(t.value()), "(?s)/proc/[^/]+/fd/[^/]+")) {
          descriptorFiles.values().forEach(files -> files.forEach(f -> writes.add(new ShellReading.Redirect(f, w.text(),
              t.shown()))));
        }
        continue;
      }
      DescriptorNames.of(t.value()).ifPresent(d -> {
        if (!d.beyond().isEmpty()) {
          writes.add(new ShellReading.Redirect(new Word(t.source(), Word.UNKNOWN + "/" + d.beyond(), false), w.text(),
              t.value()));
          return;
        }
        List<Word> files = new ArrayList<>(descriptorFiles.getOrDefault(d.descriptor(), List.of()));
        if (d.descriptor() >= 10) {
          files.addAll(descriptorFiles.getOrDefault(NAMED_DESCRIPTOR, List.of()));
        }
        for (Word f : files) {
          writes.add(new ShellReading.Redirect(f, w.text(), t.value()));
        }
      });
    }
  }

  /**
   * Whether the grammar ends the here-document {@code n} at the line where bash ends it. bash reads
   * the body line by line (for an unquoted delimiter a backslash-newline joins two lines) and ends
   * it at the first line that is exactly the delimiter after quote removal ({@code <<-}: also after
   * the line's leading tabs, and only tabs). tree-sitter also ends it at the delimiter with blanks
   * before or after it, or followed by a backslash; the lines up to bash's end are then text to
   * bash (expanded: a {@code $(…)} there runs) and commands or comments to the reading. When they
   * differ the text is unclassified; the body bash reads and the text after its end are read again
   * so that a blocked command there is still found.
   */
  private boolean endsWhereBashEndsIt(TSNode n, Ctx c, boolean quoted, int bodyStart, Feed feed) {
    String word = null;
    TSNode end = null;
    for (int i = 0; i < n.getChildCount(); i++) {
      switch (n.getChild(i).getType()) {
        case "heredoc_start" -> word = c.p.text(n.getChild(i));
        case "heredoc_end" -> end = n.getChild(i);
        default -> {}
      }
    }
    byte[] b = c.p.utf8;
    int from = bodyStart >= 0 ? bodyStart : end != null ? end.getStartByte() : -1;
    if (word == null || from < 0) {
      return true; // no body and no end: the grammar read nothing as the here-document's text
    }
    while (from > 0 && (b[from - 1] == ' ' || b[from - 1] == '\t')) {
      from--; // the grammar's body and end start after the line's blanks
    }
    String delim = quoteRemoved(word);
    boolean dash = c.p.text(n).startsWith("<<-");
    int[] bash = delim == null || from == 0 || b[from - 1] != '\n' ? null
        : bashHeredocEnd(b, from, delim.getBytes(StandardCharsets.UTF_8), !quoted, dash);
    boolean same;
    if (bash == null) {
      same = false;
    } else if (end == null) {
      same = bash[0] < 0;
    } else {
      int lineEnd = bash[1] > bash[0] && b[bash[1] - 1] == '\n' ? bash[1] - 1 : bash[1];
      int endLine = end.getStartByte();
      while (endLine > 0 && (b[endLine - 1] == ' ' || b[endLine - 1] == '\t')) {
        endLine--;
      }
      same = bash[0] == endLine && lineEnd == end.getEndByte();
    }
    if (same) {
      return true;
    }
    unclassified.add("a here-document that bash ends at another line than the reading: <<" + shown(word));
    if (bash == null) {
      feed.textUnknown = true;
      return false;
    }
    int bodyTo = bash[0] < 0 ? b.length : bash[0];
    String body = c.p.slice(from, bodyTo);
    if (dash) {
      body = Regexes.replaceAll(body, "(?m)^\t+", "");
    }
    if (quoted) {
      feed.text = body;
    } else {
      // Read the body bash expands as a here-document the grammar ends where bash does.
      String mark = "GH_HEREDOC_END";
      while (body.contains(mark)) {
        mark += "_";
      }
      code("cat <<" + mark + "\n" + body + (body.isEmpty() || body.endsWith("\n") ? "" : "\n") + mark + "\n",
          via(c.via, "<<"), c.codeDepth + 1);
      feed.textUnknown = true;
    }
    if (bash[0] >= 0 && bash[1] < b.length && !readPastHeredocEnd) {
      // What follows bash's end line: bash reads it as commands, the grammar read it out of step.
      // Once per reading: each here-document in the rest would read its own rest again.
      readPastHeredocEnd = true;
      code(c.p.slice(bash[1], b.length), c.via, c.codeDepth + 1);
    }
    return false;
  }

  /**
   * The start and end bytes of the line (its newline included) at which bash ends a here-document
   * whose lines start at byte {@code from}, or {@code {-1, length}} when it reads to the end of the
   * text. As bash's {@code read_secondary_line}: with {@code joins} a backslash-newline disappears
   * and a backslash passes the next byte; the line is compared as it is and, for {@code <<-}, after
   * its leading tabs.
   */
  private static int[] bashHeredocEnd(byte[] b, int from, byte[] delim, boolean joins, boolean dash) {
    int i = from;
    while (i < b.length) {
      int start = i;
      java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
      boolean passNext = false;
      while (i < b.length) {
        byte ch = b[i++];
        if (passNext) {
          passNext = false;
        } else if (ch == '\\' && joins) {
          if (i < b.length && b[i] == '\n') {
            i++;
            continue;
          }
          passNext = true;
        }
        if (ch == '\n') {
          break;
        }
        line.write(ch);
      }
      byte[] l = line.toByteArray();
      int tabs = 0;
      while (dash && tabs < l.length && l[tabs] == '\t') {
        tabs++;
      }
      if (java.util.Arrays.equals(l, delim)
          || java.util.Arrays.equals(l, tabs, l.length, delim, 0, delim.length)) {
        return new int[] {start, i};
      }
    }
    return new int[] {-1, b.length};
  }

  /**
   * A here-document's delimiter word after quote removal, the only expansion bash performs on it;
   * null for {@code $'…'} and {@code $"…"}, which the lexer translates first (the reading does not).
   */
  private static String quoteRemoved(String word) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < word.length(); i++) {
      char ch = word.charAt(i);
      if (ch == '$' && i + 1 < word.length() && (word.charAt(i + 1) == '\'' || word.charAt(i + 1) == '"')) {
        return null;
      }
      if (ch == '\\' && i + 1 < word.length()) {
        if (word.charAt(++i) != '\n') {
          out.append(word.charAt(i));
        }
      } else if (ch == '\'') {
        int close = word.indexOf('\'', i + 1);
        if (close < 0) {
          return null;
        }
        out.append(word, i + 1, close);
        i = close;
      } else if (ch == '"') {
        for (i++; i < word.length() && word.charAt(i) != '"'; i++) {
          char q = word.charAt(i);
          if (q == '\\' && i + 1 < word.length() && "$`\"\\\n".indexOf(word.charAt(i + 1)) >= 0) {
            if (word.charAt(++i) != '\n') {
              out.append(word.charAt(i));
            }
          } else {
            out.append(q);
          }
        }
        if (i >= word.length()) {
          return null;
        }
      } else {
        out.append(ch);
      }
    }
    return out.toString();
  }

  /** A here-document line whose text, after its leading blanks (group 1), starts with {@code $(}. */
  private static final Pattern INDENTED_SUBSTITUTION = Pattern.compile("(?m)^([ \t]+)\\$\\(");

  private void heredoc(TSNode n, Ctx c, int depth, Feed feed) {
    String delimiter = "";
    int bodyStart = -1;
    int bodyEnd = -1;
    boolean expands = false;
    TSNode bodyNode = null;
    for (int i = 0; i < n.getChildCount(); i++) {
      TSNode ch = n.getChild(i);
      switch (ch.getType()) {
        case "heredoc_start" -> delimiter = c.p.text(ch);
        case "heredoc_body" -> {
          bodyStart = ch.getStartByte();
          bodyEnd = ch.getEndByte();
          for (int j = 0; j < ch.getNamedChildCount(); j++) {
            if (!ch.getNamedChild(j).getType().equals("heredoc_content")) {
              expands = true;
            }
          }
          bodyNode = ch;
          walk(ch, c, depth + 1);
        }
        case "heredoc_end" -> {
          if (bodyStart >= 0) {
            bodyEnd = ch.getStartByte();
          }
        }
        default -> walk(ch, c, depth + 1);
      }
    }
    feed.stdin = ShellCommand.Stdin.TEXT;
    boolean quoted = delimiter.contains("'") || delimiter.contains("\"") || delimiter.contains("\\");
    if (!endsWhereBashEndsIt(n, c, quoted, bodyStart, feed)) {
      return;
    }
    if (bodyStart < 0) {
      feed.text = "";
      return;
    }
    String body = c.p.slice(bodyStart, bodyEnd);
    if (!quoted) {
      backquotesIn(body, c, bodyNode, bodyStart);
      if (missesSubstitutions(c.p, bodyNode, bodyStart, body)) {
        // The grammar leaves some $(…) of the body as text (one at the start of an indented
        // line): read the body again, as bash expands it, where the grammar reads them as the
        // command substitutions bash runs.
        int from = bodyStart;
        while (from > 0 && " \t".contains(c.p.slice(from - 1, from))) {
          from--; // the grammar's body starts after the first line's blanks
        }
        String whole = c.p.slice(from, bodyEnd);
        // <<- : bash drops every line's leading tabs when it reads the body, before it expands it.
        String stripped = c.p.text(n).startsWith("<<-") ? Regexes.replaceAll(whole, "(?m)^\t+", "") : whole;
        // Only a line whose text starts with $( gets its leading blanks as a letter: a line inside
        // the substitution keeps its own (the tab-indented end of an inner <<-X stays an end).
        StringBuilder b = new StringBuilder();
        boolean rewritten = false;
        boolean nestedLines = false;
        Matcher m = INDENTED_SUBSTITUTION.matcher(stripped);
        int last = 0;
        while (m.find()) {
          rewritten = true;
          // A heredoc opened before this line may hold it as its text or its end line: the letter
          // would change where it ends.
          nestedLines |= stripped.substring(0, m.start()).contains("<<");
          b.append(stripped, last, m.start()).append('x');
          last = m.end(1);
        }
        String again = b.append(stripped.substring(last)).toString();
        String end = "GH_HEREDOC_END";
        String synthetic = "cat <<" + end + "\n" + again + (again.endsWith("\n") ? "" : "\n") + end + "\n";
        BashGrammar.Parsed reread = BashGrammar.parse(synthetic);
        if ((!rewritten && stripped.equals(whole)) || again.contains(end) || reread == null) {
          unclassified.add("a command substitution in a here-document that the reading does not follow");
        } else {
          if (nestedLines || missesSubstitutions(reread, reread.root, 0, synthetic)) {
            unclassified.add("a command substitution in a here-document that the reading does not follow");
          }
          code(synthetic, via(c.via, "<<"), c.codeDepth + 1);
        }
      }
      if (expands || body.contains("$") || body.contains("`")) {
        feed.textUnknown = true;
        return;
      }
      // An unquoted delimiter: \\ \$ \` and backslash-newline are processed in the body.
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < body.length(); i++) {
        char ch = body.charAt(i);
        if (ch == '\\' && i + 1 < body.length() && "\\$`\n".indexOf(body.charAt(i + 1)) >= 0) {
          if (body.charAt(i + 1) != '\n') {
            b.append(body.charAt(i + 1));
          }
          i++;
          continue;
        }
        b.append(ch);
      }
      body = b.toString();
    }
    String op = c.p.text(n);
    if (op.startsWith("<<-")) {
      body = Regexes.replaceAll(body, "(?m)^\t+", "");
    }
    feed.text = body;
    laterCode(body);
  }

  private void pipeline(TSNode n, Ctx c, int depth, Feed lastFeed) {
    List<String> upstream = new ArrayList<>();
    boolean first = true;
    int last = -1;
    for (int i = 0; i < n.getChildCount(); i++) {
      if (n.getChild(i).isNamed()) {
        last = i;
      }
    }
    for (int i = 0; i < n.getChildCount(); i++) {
      TSNode ch = n.getChild(i);
      if (!ch.isNamed()) {
        continue;
      }
      int before = commands.size();
      if (i == last && lastFeed != null && !ch.getType().equals("command")) {
        int mark = commands.size();
        withFeedForLast(ch, c, depth + 1, lastFeed);
        if (!first) {
          for (int j = mark; j < commands.size(); j++) {
            ShellCommand sc = commands.get(j);
            if (sc.stdin() == ShellCommand.Stdin.TERMINAL) {
              commands.set(j, sc.withStdin(ShellCommand.Stdin.PIPE, upstream));
            }
          }
        }
      } else if (ch.getType().equals("command")) {
        Feed feed = i == last && lastFeed != null ? lastFeed : new Feed();
        if (!first && feed.stdin == ShellCommand.Stdin.TERMINAL) {
          feed.stdin = ShellCommand.Stdin.PIPE;
        }
        command(ch, c, depth + 1, feed, List.copyOf(upstream));
      } else if (ch.getType().equals("redirected_statement") && !first) {
        int mark = commands.size();
        redirected(ch, c, depth + 1);
        // A redirection of its own input wins over the pipe; else the pipe feeds it.
        for (int j = mark; j < commands.size(); j++) {
          ShellCommand sc = commands.get(j);
          if (sc.stdin() == ShellCommand.Stdin.TERMINAL) {
            commands.set(j, sc.withStdin(ShellCommand.Stdin.PIPE, upstream));
          }
        }
      } else {
        walk(ch, c, depth + 1);
        if (!first) {
          // A compound command in a pipe ({ …; }, ( … ), while): its commands may all read the pipe.
          for (int j = before; j < commands.size(); j++) {
            ShellCommand sc = commands.get(j);
            if (sc.stdin() == ShellCommand.Stdin.TERMINAL) {
              commands.set(j, sc.withStdin(ShellCommand.Stdin.PIPE, upstream));
            }
          }
        }
      }
      for (int j = before; j < commands.size(); j++) {
        upstream.add(commands.get(j).name());
      }
      first = false;
    }
  }

  private void function(TSNode n, Ctx c, int depth) {
    TSNode nameNode = n.getChildByFieldName("name");
    String name = nameNode == null || nameNode.isNull() ? "" : ShellWords.word(c.p, nameNode).value();
    int before = commands.size();
    for (int i = 0; i < n.getChildCount(); i++) {
      TSNode ch = n.getChild(i);
      if (nameNode == null || !TSNode.eq(ch, nameNode)) {
        walk(ch, c, depth + 1);
      }
    }
    boolean self = false;
    for (int j = before; j < commands.size(); j++) {
      self |= commands.get(j).name().equals(name);
    }
    functions.add(new ShellReading.FunctionDefinition(name, self, c.p.text(n)));
  }

  private void assignment(TSNode n, Ctx c, int depth) {
    TSNode nameNode = n.getChildByFieldName("name");
    TSNode value = n.getChildByFieldName("value");
    String name = nameNode == null || nameNode.isNull() ? c.p.text(n) : c.p.text(nameNode);
    Word w = value == null || value.isNull() ? Word.literal("", "") : ShellWords.word(c.p, value);
    laterCode(w.value());
    assigned(name, w, c.p.text(n));
    if (reEvaluator == null && EXPANDED_VARS.contains(Regexes.replaceAll(name, "\\[.*", ""))) {
      reEvaluator = "setting " + name;
    }
    assignments.add(new ShellReading.Assignment(name, w, c.p.text(n)));
    commandInValue(name, w, c, c.p.text(n));
    children(n, c, depth);
  }

  /**
   * Variables whose value programs run as a shell command: pagers (git, man, systemctl, psql run
   * {@code PAGER='touch W'} with {@code sh -c}), editors, less's input filters ({@code
   * LESSOPEN='|cmd %s'}), ssh and askpass helpers; dpkg-query's pager ({@code DPKG_PAGER}),
   * sensible-editor's {@code SELECTED_EDITOR}, psql's {@code PSQL_EDITOR}; less's {@code
   * LESSGLOBALTAGS} (less 590 looks a {@code -t} tag up with {@code popen("$LESSGLOBALTAGS -x
   * TAG")}, also in secure mode), git-difftool--helper's {@code GIT_DIFFTOOL_EXTCMD} ({@code eval}'d,
   * what {@code difftool -x} sets) and kubectl diff's {@code KUBECTL_EXTERNAL_DIFF} (no shell: see
   * {@link #kubectlDiffCommand}). Also the programs the compressors' shell scripts run by variable
   * (split at blanks, xzgrep's and zgrep's {@code eval}'d): zgrep/bzgrep/xzgrep/zstdgrep's {@code
   * GREP}, bzgrep's {@code EGREP}/{@code FGREP}, zdiff/bzdiff/xzdiff's {@code DIFF}/{@code CMP},
   * bzexe's {@code CPMOD}, zstdgrep's {@code ZCAT}, zstdless's {@code ZSTD}; gdb-add-index's {@code
   * GDB}/{@code READELF}/{@code OBJCOPY} and tzselect's {@code AWK}.
   */
  static final Set<String> COMMAND_VARS = Set.of("PAGER", "MANPAGER", "GIT_PAGER", "SYSTEMD_PAGER", "PSQL_PAGER",
      "BAT_PAGER", "LESSOPEN", "LESSCLOSE", "LESSEDIT", "EDITOR", "VISUAL", "GIT_EDITOR", "GIT_SEQUENCE_EDITOR",
      "SUDO_EDITOR", "KUBE_EDITOR", "SYSTEMD_EDITOR", "FCEDIT", "GIT_SSH_COMMAND", "GIT_SSH", "GIT_ASKPASS",
      "SSH_ASKPASS", "SUDO_ASKPASS", "GIT_EXTERNAL_DIFF", "GIT_PROXY_COMMAND", "RSYNC_RSH", "CVS_RSH", "BROWSER",
      "DPKG_PAGER", "SELECTED_EDITOR", "PSQL_EDITOR", "LESSGLOBALTAGS", "GIT_DIFFTOOL_EXTCMD", "KUBECTL_EXTERNAL_DIFF",
      // git takes GIT_TEST_FSMONITOR for core.fsmonitor when that is unset: a hook run by the shell on status, diff, add.
      "GIT_TEST_FSMONITOR",
      // npm exec runs its --call option from the environment too (npm reads config names in either case).
      "npm_config_call", "NPM_CONFIG_CALL",
      "GREP", "EGREP", "FGREP", "DIFF", "CMP", "CPMOD", "ZCAT", "ZSTD", "GDB", "READELF", "OBJCOPY", "AWK");

  /**
   * The editor and pager variables of {@link #COMMAND_VARS}: the program runs the value with the
   * file to edit or show appended (git: {@code sh -c 'VALUE "$@"' VALUE FILE}; sensible-editor:
   * {@code "$VISUAL" "$@"}), so {@code EDITOR=.} sources that file. Read with a file word after it
   * whose name is only known when it runs ({@code "./$1.txt"}: no option, no startup file).
   */
  static final Set<String> FILE_APPENDED_VARS = Set.of("PAGER", "MANPAGER", "GIT_PAGER", "SYSTEMD_PAGER", "PSQL_PAGER",
      "BAT_PAGER", "DPKG_PAGER", "EDITOR", "VISUAL", "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "SUDO_EDITOR", "KUBE_EDITOR",
      "SYSTEMD_EDITOR", "FCEDIT", "SELECTED_EDITOR", "PSQL_EDITOR",
      // Also given arguments: sensible-browser runs "$BROWSER" "$@", git GIT_EXTERNAL_DIFF with the
      // path and the files, difftool's helper eval $GIT_DIFFTOOL_EXTCMD "$LOCAL" "$REMOTE", ssh and
      // proxy commands the host and the command, askpass helpers the prompt.
      "BROWSER", "GIT_EXTERNAL_DIFF", "GIT_DIFFTOOL_EXTCMD", "GIT_SSH_COMMAND", "GIT_SSH", "GIT_PROXY_COMMAND",
      "GIT_ASKPASS", "SSH_ASKPASS", "SUDO_ASKPASS", "RSYNC_RSH", "CVS_RSH");

  /**
   * The Cloud SDK's interpreter variables: gcloud, gsutil and bq run {@code "$CLOUDSDK_PYTHON"
   * $CLOUDSDK_PYTHON_ARGS SCRIPT} ({@code CLOUDSDK_GSUTIL_PYTHON}, {@code CLOUDSDK_BQ_PYTHON} for
   * gsutil and bq): one program name, given the SDK's script (the options are {@link
   * ShellClass#CODE_OPTION_VARS}).
   */
  static final Set<String> SDK_INTERPRETER_VARS = Set.of("CLOUDSDK_PYTHON", "CLOUDSDK_GSUTIL_PYTHON", "CLOUDSDK_BQ_PYTHON");

  /** A command held in a variable of {@link #COMMAND_VARS}: read as the code it is when known, else unknown. */
  private void commandInValue(String name, Word value, Ctx c, String text) {
    String base = Regexes.replaceAll(name, "\\[.*", "");
    if (JvmOptions.MAVEN_VARIABLES.contains(base) && value != null && !value.value().isEmpty()) {
      // mvn passes it to java as options: -XX:OnError and a jdwp launch= run commands.
      List<Word> words = JvmOptions.mavenWords(base, value);
      if (words == null) {
        unclassified.add(base + " holds JVM options only known when they run: " + shown(text));
        return;
      }
      for (Wrappers.Step s : Wrappers.jvmErrorCommands(words, "java")) {
        if (s instanceof Wrappers.Code code) {
          codeReadBy(base, "the JVM given " + base, code.text(), via(c.via, base), c.codeDepth + 1);
        } else if (s instanceof Wrappers.Unknown u) {
          unclassified.add(u.reason());
        }
      }
      return;
    }
    if (base.equals("CXX_MODULE_MAPPER") && value != null && !value.value().isEmpty()) {
      // cc1plus reads it as -fmodule-mapper=: '|PROG ARGS' starts PROG, split at blanks, no shell.
      if (!value.literal()) {
        unclassified.add(base + " holds a module mapper only known when it runs: " + shown(text));
      } else {
        List<Word> words = Wrappers.moduleMapperProgram(value.value());
        if (!words.isEmpty()) {
          codeReadBy(base, "cc1plus given " + base, String.join(" ", words.stream().map(w -> quoted(w.value())).toList()),
              via(c.via, base), c.codeDepth + 1);
        }
      }
      return;
    }
    if (base.equals("GIT_DIFF_TOOL") && value != null && !value.value().isEmpty()) {
      // git difftool's tool name (what --tool sets): git-mergetool--lib sources mergetools/NAME.
      Wrappers.gitToolName(value, "GIT_DIFF_TOOL").ifPresent(reason -> unclassified.add(reason + ": " + shown(text)));
      return;
    }
    if (SDK_INTERPRETER_VARS.contains(base) && value != null && !value.value().isEmpty()) {
      if (!value.literal()) {
        unclassified.add(base + " holds a program only known when it runs: " + shown(text));
      } else {
        codeReadBy(base, "the Cloud SDK given " + base, quoted(value.value()) + " /usr/lib/google-cloud-sdk/lib/gcloud.py",
            via(c.via, base), c.codeDepth + 1);
      }
      return;
    }
    if (!COMMAND_VARS.contains(base) || value == null || value.value().isEmpty()) {
      return;
    }
    if (!value.literal()) {
      unclassified.add(base + " holds a command only known when it runs: " + shown(text));
      return;
    }
    // less runs LESSOPEN='|cmd %s' and '||cmd %s' as a pipe from cmd.
    String cmd = base.equals("KUBECTL_EXTERNAL_DIFF") ? kubectlDiffCommand(value.value())
        : base.startsWith("LESS") ? Regexes.replaceFirst(value.value(), "^\\|+", "") : value.value();
    if (FILE_APPENDED_VARS.contains(base)) {
      // The file: no option, no startup file, its name and its text only known when it runs.
      cmd = cmd + " \"./$1.txt\"";
    }
    // Programs run it with sh -c, popen or a sh script of theirs; only FCEDIT is bash's own (fc).
    codeReadBy(base, "the program reading " + base, cmd, via(c.via, base), c.codeDepth + 1);
  }

  /**
   * The command {@code kubectl diff} runs for {@code KUBECTL_EXTERNAL_DIFF}, as shell words: kubectl
   * splits the value at each space (no shell), runs the first field as the program and keeps of
   * the rest only the fields of letters, digits, {@code -} and {@code =} (kubectl 1.32's
   * {@code DiffProgram.getCommand}), before its two directories.
   */
  static String kubectlDiffCommand(String value) {
    String[] fields = value.split(" ", -1);
    StringBuilder cmd = new StringBuilder(quoted(fields[0]));
    for (int i = 1; i < fields.length; i++) {
      if (Regexes.matches(fields[i], "[a-zA-Z0-9=-]+")) {
        cmd.append(' ').append(quoted(fields[i]));
      }
    }
    return cmd.toString();
  }

  /**
   * GCC's lto-wrapper runs the program in {@code MAKE} (one name, no shell) for a parallel link
   * ({@code -flto=N}, {@code -flto=auto}, or {@code -flto=N} recorded in the objects at their
   * compile, so also a link without {@code -flto}), and make's recipes run it as {@code $(MAKE)}
   * (from the environment or make's command line, which make exports to its recipes, whose gcc
   * reads it): a {@code MAKE} the text sets anywhere (a loop may set it before the next run) runs
   * as a command.
   */
  private void makeProgram() {
    List<ShellReading.Assignment> set = new ArrayList<>();
    for (ShellReading.Assignment a : assignments) {
      if (Regexes.replaceAll(a.variable(), "\\[.*", "").equals("MAKE") && a.value() != null) {
        set.add(a);
      }
    }
    for (ShellCommand sc : List.copyOf(commands)) {
      if (Regexes.matches(sc.name(), "g?make|remake")) {
        for (Word w : sc.args()) {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)\\s*MAKE\\s*(?::{0,3}|\\?|\\+)=\\s*(.*)").matcher(w.value());
          if (m.matches()) {
            set.add(new ShellReading.Assignment("MAKE", new Word(w.source(), m.group(1), w.literal()), sc.text()));
          }
        }
      }
    }
    for (ShellReading.Assignment a : set) {
      if (a.value().value().isEmpty()) {
        continue;
      }
      if (!a.value().literal()) {
        unclassified.add("MAKE, a program make's recipes and gcc's lto-wrapper run, is only known when it runs: " + shown(a.text()));
      } else if (!Regexes.matches(a.value().value().strip(), "(/usr)?(/bin/)?(make|gmake)")) {
        codeReadBy("MAKE", "make or gcc given MAKE", quoted(a.value().value()) + " -f lto.mk all", List.of("MAKE"), 1);
      }
    }
  }

  /** A word bash reads back as exactly {@code v}. */
  static String quoted(String v) {
    return "'" + v.replace("'", "'\\''") + "'";
  }

  /** {@code for NAME in …} and {@code select NAME in …} set NAME, to each word in turn. */
  private void loopVariable(TSNode n, Ctx c, int depth) {
    for (int i = 0; i < n.getChildCount(); i++) {
      TSNode ch = n.getChild(i);
      if (ch.getType().equals("variable_name")) {
        String nm = c.p.text(ch);
        assignments.add(new ShellReading.Assignment(nm, new Word(nm, String.valueOf(Word.UNKNOWN), false), c.p.text(n)));
        // for i in 1 2 3: i is plain when every word of the list is a literal number.
        boolean plain = false;
        boolean in = false;
        for (int k = i + 1; k < n.getChildCount(); k++) {
          TSNode item = n.getChild(k);
          if (item.getType().equals("in")) {
            in = true;
            plain = true;
          } else if (in && item.isNamed() && !item.getType().equals("do_group")) {
            Word iw = ShellWords.word(c.p, item);
            plain &= iw.literal() && PLAIN_VALUE.matcher(iw.value()).matches();
            // Each word is assigned in turn, as NAME=word would be: a command variable's is a command.
            commandInValue(nm, iw, c, c.p.text(n));
          } else if (item.getType().equals("do_group")) {
            break;
          }
        }
        if (!in) {
          commandInValue(nm, new Word(nm, String.valueOf(Word.UNKNOWN), false), c, c.p.text(n)); // for NAME; do: "$@"
        }
        if (plain) {
          plainValues.add(nm);
        } else {
          plainValues.remove(nm);
        }
        break;
      }
    }
    children(n, c, depth);
  }

  /** declare/typeset/export/local/readonly and unset: a command of their own, and the variables they set. */
  private void declaration(TSNode n, Ctx c, int depth) {
    String keyword = null;
    List<Word> args = new ArrayList<>();
    boolean unset = n.getType().equals("unset_command");
    for (int i = 0; i < n.getChildCount(); i++) {
      TSNode ch = n.getChild(i);
      if (!ch.isNamed()) {
        if (keyword == null) {
          keyword = c.p.text(ch);
        }
        continue;
      }
      if (ch.getType().equals("variable_assignment")) {
        if (gluedToNeighbour(n, i)) {
          // bash's word is the assignment and the quote or word glued to it: its name is not the one read here.
          unclassified.add("a declaration's assignment glued to another word: " + shown(c.p.text(n)));
        }
        assignment(ch, c, depth + 1);
        TSNode value = ch.getChildByFieldName("value");
        String nm = c.p.text(ch.getChildByFieldName("name"));
        Word v = value == null || value.isNull() ? Word.literal("", "") : ShellWords.word(c.p, value);
        args.add(new Word(c.p.text(ch), nm + "=" + v.value(), v.literal()));
      } else {
        // export TAR_OPT''IONS=…: the grammar splits bash's one word at the quote (a name, then
        // ''IONS=…), and export sets the name with the quotes removed: the nodes glued together
        // are read as the one word bash reads.
        List<TSNode> glued = new ArrayList<>(List.of(ch));
        while (i + 1 < n.getChildCount() && n.getChild(i + 1).isNamed()
            && !n.getChild(i + 1).getType().equals("variable_assignment")
            && n.getChild(i + 1).getStartByte() == glued.get(glued.size() - 1).getEndByte()) {
          glued.add(n.getChild(++i));
        }
        for (TSNode g : glued) {
          walk(g, c, depth + 1);
        }
        Word w = ShellWords.word(c.p, ch);
        if (glued.size() > 1) {
          List<ShellWords.Joined> j = ShellWords.join(c.p, glued, java.util.Collections.nCopies(glued.size(), true));
          w = j != null && j.size() == 1 ? j.get(0).word()
              : new Word(c.p.slice(ch.getStartByte(), glued.get(glued.size() - 1).getEndByte()),
                  String.valueOf(Word.UNKNOWN), false);
        }
        args.add(w);
        if (unset && w.literal() && !w.value().startsWith("-")) {
          assignments.add(new ShellReading.Assignment(w.value(), null, c.p.text(n)));
        }
        java.util.regex.Matcher set = DECLARED.matcher(w.value());
        if (!unset && set.matches()) {
          // export "PS1=x": bash splits a quoted NAME=value argument as it does an assignment.
          String v = Regexes.replaceFirst(w.value().substring(set.end(1)), "^\\+?=", "");
          assignments.add(new ShellReading.Assignment(set.group(1), new Word(w.source(), v, w.literal()), c.p.text(n)));
          assigned(set.group(1), new Word(w.source(), v, w.literal()), c.p.text(n));
          commandInValue(set.group(1), new Word(w.source(), v, w.literal()), c, c.p.text(n));
        } else if (!unset && !w.literal() && !w.value().startsWith("-")) {
          unclassified.add("a declaration whose variable is only known when it runs: " + shown(c.p.text(n)));
        }
      }
    }
    caseAttribute(keyword, args, c.p.text(n));
    if (keyword != null) {
      add(new ShellCommand(keyword, keyword, args, c.p.text(n), c.via, ShellCommand.Stdin.TERMINAL, List.of()), c);
    }
  }

  /**
   * declare/typeset/local {@code -l}, {@code -u}, {@code -c} on a command variable: bash changes
   * the case of every value assigned to it, in this statement or any later one (or one in a
   * function read earlier), so the command it holds is not the text the reading judges ({@code
   * declare -l GIT_EXTERNAL_DIFF='TOUCH W'} runs touch). Options only known when it runs may be one.
   */
  private void caseAttribute(String keyword, List<Word> args, String text) {
    if (keyword == null || !Set.of("declare", "typeset", "local").contains(keyword)) {
      return;
    }
    boolean cased = false;
    for (Word w : args) {
      String v = w.value();
      if (v.startsWith("-") && (!w.literal() || Regexes.matches(v, "-[a-zA-Z]*[luc][a-zA-Z]*"))
          || !w.literal() && !v.isEmpty() && v.charAt(0) == Word.UNKNOWN) {
        cased = true;
      }
    }
    if (!cased) {
      return;
    }
    for (Word w : args) {
      Matcher m = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*").matcher(w.value());
      if (!w.value().startsWith("-") && m.lookingAt()
          && (COMMAND_VARS.contains(m.group()) || SDK_INTERPRETER_VARS.contains(m.group()))) {
        unclassified.add("a case attribute on a command variable (bash changes the case of its value): " + shown(text));
        return;
      }
    }
  }

  /** Whether child {@code i} of {@code n} touches a named sibling, with no blank between them. */
  private static boolean gluedToNeighbour(TSNode n, int i) {
    TSNode ch = n.getChild(i);
    return i > 0 && n.getChild(i - 1).isNamed() && n.getChild(i - 1).getEndByte() == ch.getStartByte()
        || i + 1 < n.getChildCount() && n.getChild(i + 1).isNamed() && n.getChild(i + 1).getStartByte() == ch.getEndByte();
  }

  private void command(TSNode n, Ctx c, int depth, Feed feed) {
    command(n, c, depth, feed, List.of());
  }

  private void command(TSNode n, Ctx c, int depth, Feed feed, List<String> upstream) {
    if (feed == null) {
      feed = new Feed();
    }
    List<TSNode> nodes = new ArrayList<>();
    List<Boolean> isWord = new ArrayList<>();
    int nameAt = -1;
    // The grammar's command name is a redirection's descriptor (0</dev/tty sh, 0<<<x cat): bash's
    // command name is the first word after it.
    boolean nameIsDescriptor = false;
    int scopedMark = scoped.size();
    for (int i = 0; i < n.getChildCount(); i++) {
      TSNode ch = n.getChild(i);
      String t = ch.getType();
      if (!ch.isNamed()) {
        continue;
      }
      switch (t) {
        case "variable_assignment" -> {
          scoped.add(assignments.size());
          assignment(ch, c, depth + 1);
        }
        case "file_redirect", "heredoc_redirect", "herestring_redirect" -> redirect(ch, c, depth + 1, feed);
        case "command_name" -> {
          walk(ch, c, depth + 1);
          nameAt = nodes.size();
          nameIsDescriptor = ch.getNamedChildCount() == 1 && ShellWords.gluedDescriptor(c.p, ch.getNamedChild(0));
        }
        case "comment" -> {}
        default -> walk(ch, c, depth + 1);
      }
      boolean word = t.equals("command_name") ? !nameIsDescriptor
          : !(t.equals("variable_assignment") || t.endsWith("redirect") || t.equals("comment"))
              && !ShellWords.gluedDescriptor(c.p, ch);
      nodes.add(word && t.equals("command_name") && ch.getNamedChildCount() == 1 ? ch.getNamedChild(0) : ch);
      isWord.add(word);
    }
    if (feed.later != null) {
      feed.stdin = feed.later.stdin;
      feed.text = feed.later.text;
      feed.textUnknown = feed.later.textUnknown;
      feed.file = feed.later.file;
    }
    Word name = null;
    List<Word> args = new ArrayList<>();
    List<ShellWords.Joined> joined = nodes.isEmpty() ? List.of() : ShellWords.join(c.p, nodes, isWord);
    if (joined == null) {
      unclassified.add("the words of a command are not separated as bash separates them (an escaped blank or an"
          + " unusual blank between them): " + shown(c.p.text(n)));
      scoped.subList(scopedMark, scoped.size()).clear();
      return;
    }
    for (ShellWords.Joined j : joined) {
      if (j.firstNode() == nameAt || nameIsDescriptor && name == null && j.firstNode() > nameAt) {
        name = j.word();
      } else if (name != null) {
        args.add(j.word());
      }
    }
    List<Word> extraArgs = feed.extraArgs;
    if (name == null && nameIsDescriptor && !extraArgs.isEmpty()) {
      // 0</dev/tty sh: the grammar hangs the command's words on the redirection.
      name = extraArgs.get(0);
      extraArgs = extraArgs.subList(1, extraArgs.size());
    }
    if (name == null) {
      if (!feed.extraArgs.isEmpty()) {
        unclassified.add("words after a redirection with no command: " + shown(c.p.text(n)));
      }
      scoped.subList(scopedMark, scoped.size()).clear(); // VAR=x alone: it stays in the shell
      return;
    }
    List<Word> words = new ArrayList<>();
    words.add(name);
    words.addAll(args);
    words.addAll(extraArgs);
    for (Word w : words) {
      if (ShellWords.bareNewline(w.source())) {
        unclassified.add("the grammar read a line break inside a word, where bash ends the command: "
            + shown(w.source().strip()));
      }
    }
    String text = c.p.text(n);
    TSNode last = n.getChildCount() == 0 ? null : n.getChild(n.getChildCount() - 1);
    if ((nameIsDescriptor || last != null && ShellWords.gluedDescriptor(c.p, last))
        && !n.getParent().isNull() && n.getParent().getType().equals("redirected_statement")) {
      text = c.p.text(n.getParent()); // the descriptor's redirection too, not a bare "sh 0"
    }
    int codeMark = codeReads;
    simple(words, text, c, feed, upstream, 0);
    // VAR=x cmd and env VAR=x cmd set VAR for cmd alone, unless what cmd runs is code the reading
    // read: bash reads that code under VAR (LC_ALL=x bash -c '…'), or cmd is a special builtin,
    // before which POSIX mode (set -o posix, POSIXLY_CORRECT) keeps the assignment in the shell
    // (set -o posix; LC_ALL=zh_CN.GBK : switched bash's locale for the lines after it).
    boolean reachesCode = codeReads != codeMark;
    boolean kept = !name.literal() || name.value().indexOf(Word.UNKNOWN) >= 0
        || POSIX_SPECIAL_BUILTINS.contains(name.value());
    for (int i = scopedMark; i < scoped.size(); i++) {
      int at = scoped.get(i);
      assignments.set(at, assignments.get(at).withCommandOnly(!reachesCode && !kept));
    }
    scoped.subList(scopedMark, scoped.size()).clear();
  }

  /** POSIX's special builtins (and bash's source): in POSIX mode an assignment before one stays in the shell. */
  static final Set<String> POSIX_SPECIAL_BUILTINS = Set.of("break", ":", ".", "source", "continue", "eval", "exec",
      "exit", "export", "readonly", "return", "set", "shift", "times", "trap", "unset");

  /** One simple command's words: record it, then what it runs. */
  private void simple(List<Word> words, String text, Ctx c, Feed feed, List<String> upstream, int wrapDepth) {
    Word name = words.get(0);
    if (!name.literal() || name.value().isEmpty()) {
      unclassified.add("the command name is not a literal word: " + shown(name.source()));
      return;
    }
    if (commands.size() >= MAX_COMMANDS) {
      unclassified.add("more than " + MAX_COMMANDS + " commands");
      return;
    }
    String path = name.value();
    if (RESERVED.contains(name.source())) {
      // bash reads an unquoted reserved word there as syntax (time { …; }, coproc { …; }): the
      // grammar's reading is not bash's.
      unclassified.add("a reserved word read as a command name: " + shown(text));
      return;
    }
    // Another name of a program read by name (slogin, gdbtui, perl5.36-x86_64-linux-gnu) is read as it.
    String base = ProgramNames.canonical(path.contains("/") ? path.substring(path.lastIndexOf('/') + 1) : path);
    if (Regexes.matches(path, "/+(proc|dev/+fd)/.*") || base.equals("exe") && path.contains("/")) {
      // /proc/self/exe is the shell itself, /proc/PID/exe or /dev/fd/N any program: not known by name.
      unclassified.add("runs a program by its /proc or descriptor name: " + shown(name.source()));
      return;
    }
    if (base.isEmpty()) {
      unclassified.add("the command name is a directory: " + shown(name.source()));
      return;
    }
    String gitBuiltin = base.startsWith("git-") ? base.substring(4) : "";
    if (Wrappers.GIT_COMMANDS.contains(gitBuiltin)) {
      // git's exec directory names each command git-X (/usr/lib/git-core/git-remote-ext, a link
      // to git): git.c runs a program so named as git X, so it is read as git X.
      List<Word> asGit = new ArrayList<>(words);
      asGit.add(1, Word.literal(gitBuiltin, gitBuiltin));
      words = asGit;
      base = "git";
    }
    ShellCommand.Stdin stdin = feed.stdin;
    ShellCommand sc = new ShellCommand(base, path, kernelResolved(optionWordsExpanded(words.subList(1, words.size()))), text, c.via, stdin,
        stdin == ShellCommand.Stdin.PIPE ? upstream
            : stdin == ShellCommand.Stdin.FILE && feed.file != null ? List.of(feed.file) : List.of());
    add(sc, c);
    storedVariables(sc, c);
    if (feed.stdin == ShellCommand.Stdin.TEXT && Interpreters.readsCodeFromStdin(sc)) {
      if (feed.textUnknown || feed.text == null) {
        unclassified.add(base + " reads code from a here-document only known when it runs");
      } else if (Wrappers.BASH_LIKE.contains(base) || base.equals("source") || base.equals(".")) {
        codeReadBy(base, feed.text, via(c.via, base + " <<"), c.codeDepth + 1);
      }
    }
    if (wrapDepth > MAX_CODE_DEPTH) {
      unclassified.add("commands wrapped more than " + MAX_CODE_DEPTH + " levels deep");
      return;
    }
    for (Wrappers.Step step : Wrappers.unwrap(base, sc.args())) {
      if (step instanceof Wrappers.Inner in) {
        Ctx inner = new Ctx(c.p, via(c.via, in.via()), c.codeDepth);
        simple(in.words(), text, inner, feed, upstream, wrapDepth + 1);
      } else if (step instanceof Wrappers.Code code) {
        codeReadBy(base, code.text(), via(c.via, code.via()), c.codeDepth + 1);
      } else if (step instanceof Wrappers.Unknown u) {
        unclassified.add(u.reason());
      } else if (step instanceof Wrappers.Assign as) {
        String v = as.word().value();
        int eq = v.indexOf('=');
        String nm = v.substring(0, eq);
        Word value = Word.literal(v.substring(eq + 1), v.substring(eq + 1));
        scoped.add(assignments.size());
        assignments.add(new ShellReading.Assignment(nm, value, text));
        commandInValue(nm, value, inner(c, as.via()), text);
        laterCode(value.value());
        assigned(nm, value, text);
        if (nm.startsWith("BASH_FUNC_") || value.value().startsWith("()")) {
          // bash imports such a variable as a function, whose body the guard never sees as code.
          unclassified.add(as.via() + " passes a function definition bash imports: " + shown(v));
        }
      }
    }
  }

  /**
   * The arguments with each word that bash brace-expands replaced by the words it makes (not only
   * those starting with {@code -}: {@code {-c,CODE}} is {@code -c CODE}): bash expands braces before the program reads its options, so
   * {@code less -{N,-lesskey-src=F}} gets {@code -N --lesskey-src=F} and {@code man --pag{er,}=CMD}
   * gets {@code --pager=CMD --pag=CMD}, each read by the option checks as given. One not exactly
   * known (too many words, a quoted brace) is unclassified, as are more than {@link
   * PathPatterns#MAX_WORDS} words made in all (bounds the words the checks read).
   */
  /**
   * The words with the paths the kernel resolves through a magic link read as what they reach
   * ({@link KernelPaths}): {@code /proc/self/root/opt} is {@code /opt}; a name in a directory only
   * known when it runs ({@code /proc/self/cwd/opt}, {@code /dev/fd/3/opt}, {@code ~+/opt}) is read
   * from the root and makes the text unclassified.
   */
  private List<Word> kernelResolved(List<Word> args) {
    List<Word> out = new ArrayList<>(args.size());
    for (Word w : args) {
      out.add(kernelResolved(w));
    }
    return out;
  }

  private Word kernelResolved(Word w) {
    KernelPaths.Resolved r = KernelPaths.resolved(w.value());
    if (r == null) {
      return w;
    }
    if (r.unknownDirectory()) {
      unclassified.add("a path in a directory only known when it runs (the working directory's or a descriptor's): "
          + shown(w.source()));
    }
    return new Word(w.source(), r.value(), w.literal());
  }

  private List<Word> optionWordsExpanded(List<Word> args) {
    List<Word> out = new ArrayList<>(args.size());
    for (Word w : args) {
      List<Word> made = ShellWords.braceWords(w);
      if (made == null && !mayMakeAnOption(w)) {
        made = List.of(w); // not exactly known, but no word it makes starts an option: read as before
      }
      if (made != null && made.size() > 1 && out.size() + made.size() > args.size() + PathPatterns.MAX_WORDS) {
        made = null;
      }
      if (made == null) {
        unclassified.add("an option word whose brace expansion is not exactly known (quoted braces, too many words): "
            + shown(w.source()));
        made = List.of(w);
      }
      out.addAll(made);
    }
    return out;
  }

  /** Reads code that the program {@code runner} runs: see {@link #codeReadBy(String, String, String, List, int)}. */
  private void codeReadBy(String runner, String text, List<String> via, int depth) {
    codeReadBy(runner, runner, text, via, depth);
  }

  /**
   * Reads code that {@code runner} runs ({@code who} names it in a reason): bash and rbash read it as
   * bash; eval, alias, trap, source and the other runners bash reads again itself leave the reader
   * as it is; every other runner, a POSIX shell by name or a program that may hand its code to
   * {@code /bin/sh}, {@code $SHELL} or a login shell, has it read as POSIX code ({@link
   * PosixShellCode#readsAsPosix}).
   */
  private void codeReadBy(String runner, String who, String text, List<String> via, int depth) {
    String outer = posixReader;
    Boolean posix = PosixShellCode.readsAsPosix(runner);
    if (posix != null) {
      posixReader = !posix ? null : PosixShellCode.POSIX_SHELLS.contains(runner) ? "read by a POSIX shell"
          : "run by " + who + " through /bin/sh, $SHELL or a login shell (not always bash)";
    }
    try {
      code(text, via, depth);
    } finally {
      posixReader = outer;
    }
  }

  /** Whether a brace word may make a word starting with {@code -} or {@code +} (an option, vim's and less's {@code +cmd}). */
  private static boolean mayMakeAnOption(Word w) {
    List<String> made = PathPatterns.braces(w.value());
    return made == null || made.stream().anyMatch(m -> m.isEmpty() || m.charAt(0) == '-' || m.charAt(0) == '+'
        || m.charAt(0) == Word.UNKNOWN);
  }

  private void add(ShellCommand sc, Ctx c) {
    commands.add(sc);
    if (historyOn == null && ShellJudge.turnsOnHistory(sc)) {
      historyOn = sc.text();
    }
    valueSetter(sc);
    if (reEvaluator == null && NAME_TAKERS.contains(sc.name())) {
      reEvaluator = sc.name();
    }
    nameArguments(sc, c);
    if (sc.argValues().contains("dotglob") && (sc.name().equals("shopt") && sc.argValues().stream().anyMatch(v -> Regexes.matches(v, "-[a-z]*s[a-z]*"))
        || Wrappers.isShell(sc.name()))) {
      // The classes judge a pattern in a path as bash matches it by default: no hidden names for * and ?.
      unclassified.add("dotglob makes patterns match hidden files, which the guard judges as bash's default does: "
          + shown(sc.text()));
    }
    if (nullglobOn == null && mayTurnOnNullglob(sc)) {
      nullglobOn = sc.text();
    }
    if (patternBeforeWords == null && patternBeforeWords(sc.args())) {
      patternBeforeWords = sc.text();
    }
    if (globstarOn == null && mayTurnOn(sc, "globstar")) {
      globstarOn = sc.text();
    }
    for (Word w : sc.args()) {
      if (isPattern(w)) {
        patternGiven = patternGiven == null ? sc.text() : patternGiven;
        doubleStarGiven = doubleStarGiven == null && w.value().contains("**") ? sc.text() : doubleStarGiven;
      }
    }
    if (Interpreters.linksTerminal(sc)) {
      // A later name for the terminal or a descriptor: what runs or reads it by that name (bash s,
      // . ./s, bash < s) reads the session's input as a script on disk.
      unclassified.add(sc.name() + " gives the terminal or a descriptor another name: " + shown(sc.text()));
    }
    if (sc.name().equals("read") && ShellJudge.readsWithLineEditor(sc)) {
      // With a terminal (an exec request with one too), readline's shell-expand-line runs the
      // substitutions in what is typed into read: text the guard never sees.
      unclassified.add("read -e reads with the shell's own line editor, which may run what is typed unjudged: "
          + shown(sc.text()));
    }
  }

  /**
   * {@code shopt -s nullglob} (or of an option only known when it runs), or another command with a
   * word naming nullglob ({@code bash -O nullglob}, {@code env BASHOPTS=nullglob bash}).
   */
  static boolean mayTurnOnNullglob(ShellCommand sc) {
    return mayTurnOn(sc, "nullglob");
  }

  /**
   * {@code shopt -s OPTION} (or of an option only known when it runs), or another command with a
   * word naming {@code option} ({@code bash -O globstar}, {@code env BASHOPTS=globstar bash}).
   */
  static boolean mayTurnOn(ShellCommand sc, String option) {
    if (!sc.name().equals("shopt")) {
      return sc.argValues().stream().anyMatch(v -> v.contains(option));
    }
    boolean set = sc.argValues().stream().anyMatch(v -> Regexes.matches(v, "-[a-z]*s[a-z]*"));
    return set && sc.args().stream().anyMatch(w -> !w.literal() || w.value().equals(option));
  }

  /**
   * Whether {@code sc} may turn on an option under which bash makes other words of a later line's
   * patterns than the guard reads at bash's defaults (nullglob, globstar, dotglob), or
   * sets {@code GLOBIGNORE}: what a function body doing so does happens when a later line calls it.
   */
  static boolean mayChangeGlobbing(ShellCommand sc) {
    return mayTurnOn(sc, "nullglob") || mayTurnOn(sc, "globstar") || mayTurnOn(sc, "dotglob")
        || sc.argValues().stream().anyMatch(v -> v.contains("GLOBIGNORE"));
  }

  /** An unquoted pathname pattern ({@code ./q*}, {@code [ab]x}): a word bash may replace by the names it matches. */
  static boolean isPattern(Word w) {
    return ShellWords.wordsItMayMake(w) == ShellWords.PATTERN_WORDS && PathPatterns.hasGlob(w.value());
  }

  /** An unquoted pathname pattern ({@code ./q*}, {@code [ab]x}) among the words with another word after it. */
  private static boolean patternBeforeWords(List<Word> args) {
    for (int k = 0; k + 1 < args.size(); k++) {
      Word w = args.get(k);
      if (ShellWords.wordsItMayMake(w) == ShellWords.PATTERN_WORDS && PathPatterns.hasGlob(w.value())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The variables a builtin stores a value in by name: read's names (or REPLY) and {@code -a}'s
   * array, mapfile's and readarray's array (or MAPFILE), {@code printf -v}'s, getopts's, {@code
   * wait -p}'s. Each is recorded as an assignment of a value only known when it runs ({@code printf
   * -v}'s when the reading computes it), and a variable that holds a command is read as one
   * assigned, so every rule on assignments ({@link ShellClass#assignment}: options that run code,
   * the guard's and the history's variables; {@link #COMMAND_VARS}) judges {@code read -r PAGER}
   * or {@code printf -v TAR_OPTIONS …} as it judges {@code NAME=value}. Options only known when it
   * runs: every literal word may be a name. A name only known when it runs is left to the rules
   * that refuse it ({@link #nameArguments}, the classes' {@code read}/{@code printf} rules).
   */
  private void storedVariables(ShellCommand sc, Ctx c) {
    List<Word> a = sc.args();
    Word unknown = new Word(sc.text(), String.valueOf(Word.UNKNOWN), false);
    java.util.Map<Word, Word> stored = new java.util.LinkedHashMap<>();
    Wrappers.Opts o = switch (sc.name()) {
      case "read" -> Wrappers.Opts.scanKnown(a, "adinNptu", "ers", Set.of(), Set.of());
      case "mapfile", "readarray" -> Wrappers.Opts.scanKnown(a, "dnOsuCc", "t", Set.of(), Set.of());
      case "printf" -> Wrappers.Opts.scanKnown(a, "v", "", Set.of(), Set.of());
      case "wait" -> Wrappers.Opts.scanKnown(a, "p", "fn", Set.of(), Set.of());
      case "getopts" -> Wrappers.Opts.scanKnown(a, "", "", Set.of(), Set.of());
      default -> null;
    };
    if (o == null) {
      return;
    }
    if (o.unknown()) {
      for (Word w : a) {
        stored.put(w, unknown);
      }
    } else {
      List<Word> operands = a.subList(Math.min(o.end, a.size()), a.size());
      switch (sc.name()) {
        case "read" -> {
          operands.forEach(w -> stored.put(w, unknown));
          if (o.has('a') && o.value('a', null) != null) {
            stored.put(Word.literal(o.value('a', null), o.value('a', null)), unknown);
          }
          if (stored.isEmpty() && !o.has('a')) {
            stored.put(Word.literal("REPLY", "REPLY"), unknown);
          }
        }
        case "mapfile", "readarray" -> {
          operands.forEach(w -> stored.put(w, unknown));
          if (stored.isEmpty()) {
            stored.put(Word.literal("MAPFILE", "MAPFILE"), unknown);
          }
        }
        case "printf" -> {
          String name = o.value('v', null);
          if (name != null) {
            String value = printfValue(operands);
            stored.put(Word.literal(name, name), value == null ? unknown : Word.literal(value, value));
          }
        }
        case "wait" -> {
          if (o.value('p', null) != null) {
            stored.put(Word.literal(o.value('p', null), o.value('p', null)), unknown);
          }
        }
        default -> {
          if (operands.size() > 1) {
            stored.put(operands.get(1), unknown); // getopts OPTSTRING NAME
          }
        }
      }
    }
    stored.forEach((w, value) -> {
      if (w.literal() && IDENTIFIER_OR_ELEMENT.matcher(w.value()).matches()) {
        assignments.add(new ShellReading.Assignment(w.value(), value, sc.text()));
        commandInValue(w.value(), value, c, sc.text());
      }
    });
  }

  /**
   * The variable names a builtin takes as arguments: bash evaluates a subscript in one as
   * arithmetic ({@code printf -v 'a[x]'}, {@code read 'a[x]'}, {@code test -v 'a[x]'}, {@code
   * unset 'a[x]'}, {@code declare 'a[x]=1'}), and a nameref's target names the variable its
   * assignments set ({@code declare -n r=HISTSIZE; r=0} sets HISTSIZE): recorded as an assignment
   * to the target, whose value is only known when it runs.
   */
  private void nameArguments(ShellCommand sc, Ctx c) {
    List<Word> a = sc.args();
    String what = sc.name() + "'s variable name";
    switch (sc.name()) {
      case "printf" -> {
        for (int i = 0; i < a.size(); i++) {
          String v = a.get(i).value();
          if (v.equals("-v") && i + 1 < a.size()) {
            nameArgument(a.get(i + 1).value(), what, sc.text());
          } else if (v.startsWith("-v") && v.length() > 2) {
            nameArgument(v.substring(2), what, sc.text());
          }
        }
      }
      case "test", "[" -> {
        for (int i = 0; i + 1 < a.size(); i++) {
          String v = a.get(i).value();
          if (v.equals("-v") || v.equals("-R")) {
            nameArgument(a.get(i + 1).value(), what, sc.text());
          }
        }
      }
      case "read", "unset", "mapfile", "readarray", "getopts", "wait" -> {
        for (Word w : a) {
          String v = w.value();
          if (v.indexOf(Word.UNKNOWN) >= 0) {
            if (sc.name().equals("unset") && !v.startsWith("-")) {
              unclassified.add("unset of a variable only known when it runs (a subscript in it is evaluated): "
                  + shown(sc.text()));
            }
            continue;
          }
          java.util.regex.Matcher m = SUBSCRIPTED.matcher(v);
          if (m.matches()) {
            nameArgument(v, what, sc.text());
          }
          if (!sc.name().equals("unset") && ARITHMETIC_VARS.contains(v)) {
            unclassified.add(sc.name() + " stores a value only known when it runs in " + v
                + ", which bash evaluates as arithmetic: " + shown(sc.text()));
          }
        }
      }
      case "declare", "typeset", "local", "export", "readonly" -> {
        boolean nameref = false;
        boolean options = true;
        for (Word w : a) {
          String v = w.value();
          if (options && v.equals("--")) {
            options = false;
            continue;
          }
          if (options && v.startsWith("-") && v.length() > 1) {
            nameref |= v.indexOf('n', 1) > 0 && !sc.name().equals("export");
            continue;
          }
          if (options && v.startsWith("+")) {
            continue;
          }
          int eq = v.indexOf('=');
          String name = eq < 0 ? v : Regexes.replaceFirst(v.substring(0, eq), "\\+$", "");
          if (name.indexOf(Word.UNKNOWN) < 0 && SUBSCRIPTED.matcher(name).matches()) {
            nameArgument(name, what, sc.text());
          }
          if (nameref && eq >= 0) {
            String target = v.substring(eq + 1);
            if (target.indexOf(Word.UNKNOWN) >= 0) {
              continue; // a target only known when it runs: guard-tamper (ShellClass)
            }
            nameArgument(target, "a nameref's target", sc.text());
            if (IDENTIFIER.matcher(Regexes.replaceFirst(target, "\\[.*", "")).matches()) {
              Word unknown = new Word(v, String.valueOf(Word.UNKNOWN), false);
              assignments.add(new ShellReading.Assignment(target, unknown, sc.text()));
              plainValues.remove(Regexes.replaceFirst(target, "\\[.*", ""));
              // r=CMD, read r, printf -v r set the target: a variable that holds a command
              // (declare -n r=GIT_EXTERNAL_DIFF) is then set to a command only known when it runs.
              commandInValue(target, unknown, c, sc.text());
            }
          }
        }
      }
      default -> {}
    }
  }

  /** A variable name a builtin takes: a subscript in it is evaluated as arithmetic. */
  private void nameArgument(String name, String what, String text) {
    if (name.indexOf(Word.UNKNOWN) >= 0) {
      unclassified.add(what + " is only known when it runs (a subscript in it would be evaluated): " + shown(text));
      return;
    }
    java.util.regex.Matcher m = SUBSCRIPTED.matcher(name);
    if (m.matches() && !m.group(2).equals("@") && !m.group(2).equals("*")) {
      evaluates(m.group(2), what + "'s subscript");
    }
  }

  /**
   * {@code [ … ]} and {@code [[ … ]]}: {@code -v NAME} evaluates NAME's subscript; and {@code [}
   * (read by the grammar as a test, not a command) takes names as {@code test} does.
   */
  private void testCommand(TSNode n, Ctx c) {
    String t = c.p.text(n);
    if (reEvaluator == null && !t.startsWith("[[")) {
      reEvaluator = "[";
    }
    java.util.regex.Matcher m = NAME_TEST.matcher(t);
    while (m.find()) {
      String raw = m.group(1);
      if (Regexes.matches(raw, "(?s)\\w*") ) {
        continue;
      }
      if (raw.indexOf('$') >= 0 || raw.indexOf('`') >= 0) {
        // single-quoted code is evaluated through the subscript; else a name only known when it runs
        int b = raw.indexOf('[');
        if (b >= 0 || !raw.startsWith("'")) {
          unclassified.add("a -v test of a name that holds code or is only known when it runs: " + shown(raw));
        }
        continue;
      }
      String name = Regexes.replaceAll(raw, "['\"\\\\]", "");
      nameArgument(name, "a -v test's variable name", t);
    }
  }

  /**
   * A variable set to {@code value}: a literal that holds code ({@code x='b[$(reboot)]'}) is
   * unclassified whether or not this text evaluates it again, since a later line may (the guard
   * judges each line at the prompt alone); and whether the value is plain (see {@link #evaluates}).
   */
  private void assigned(String name, Word value, String text) {
    String v = value == null ? "" : value.value();
    if (v.contains("$(") || v.contains("`") || v.contains("${")) {
      unclassified.add("a variable is set to a literal that holds code bash runs if it evaluates the value again: "
          + shown(text));
    }
    int b = name.indexOf('[');
    String base = b < 0 ? name : name.substring(0, b);
    if (base.equals("GLOBIGNORE") && value != null) {
      unclassified.add("GLOBIGNORE makes patterns match hidden files, which the guard judges as bash's default does: "
          + shown(text));
    }
    if (ARITHMETIC_VARS.contains(base) && value != null) {
      if (!value.literal() || v.indexOf(Word.UNKNOWN) >= 0) {
        unclassified.add("a value only known when it runs is assigned to " + base + ", which bash evaluates as arithmetic: "
            + shown(text));
      } else {
        evaluates(v, "an assignment to " + base);
      }
    }
    boolean plain = value != null && value.literal() && (PLAIN_VALUE.matcher(v).matches()
        || IDENTIFIER.matcher(v).matches() && (plainValues.contains(v) || ALWAYS_PLAIN.contains(v)));
    if (!plain) {
      plainValues.remove(base);
    } else if (b < 0) {
      plainValues.add(base);
    }
  }

  /**
   * bash evaluates a variable's value as an arithmetic expression (recursively: {@code x='b[$(cmd)]'}
   * runs cmd when {@code $((x))}, {@code a[x]=1}, {@code let x} or {@code [[ x -eq 0 ]]} evaluates
   * it). A value set on an earlier line, by {@code read}, or by {@code printf -v} is not known here,
   * so an expression naming a variable not known in the same text to be plain is unclassified.
   */
  private void evaluates(String expression, String what) {
    arithmeticAssignments(expression);
    if (POSITIONAL_IN_EXPR.matcher(expression).find()) {
      // set -- 'a[$(cmd)]' on one line, $(($1)) on the next; $- is letters, each string a name.
      unclassified.add(what + " evaluates a positional parameter or $-, whose value is not known here: "
          + shown(expression));
      return;
    }
    java.util.regex.Matcher set = PLAIN_IN_EXPR.matcher(expression);
    while (set.find()) {
      plainValues.add(set.group(1));
    }
    String e = Regexes.replaceAll(set.replaceAll("0"), "[0-9]+#[0-9A-Za-z@_]+", "0");
    java.util.regex.Matcher m = NAME_IN_EXPR.matcher(e);
    while (m.find()) {
      String name = m.group();
      if (!plainValues.contains(name) && !ALWAYS_PLAIN.contains(name)) {
        unclassified.add(what + " evaluates the value of " + name + ", which this text does not set to a plain number: "
            + shown(expression));
        return;
      }
    }
  }

  /**
   * An arithmetic expression sets the variables it assigns ({@code $(( HISTSIZE = 0 ))}, {@code
   * ${a[PATH=0]}}, {@code (( n++ ))}): recorded as assignments (value only known when it runs), so
   * the rules on assignments judge them as they judge {@code NAME=…}.
   */
  private void arithmeticAssignments(String expression) {
    if (expression.indexOf('=') < 0 && !expression.contains("++") && !expression.contains("--")) {
      return;
    }
    Set<String> names = new LinkedHashSet<>();
    java.util.regex.Matcher m = ASSIGN_IN_EXPR.matcher(expression);
    while (m.find()) {
      names.add(m.group(1));
    }
    java.util.regex.Matcher s = STEP_IN_EXPR.matcher(expression);
    while (s.find()) {
      names.add(s.group(1) != null ? s.group(1) : s.group(2));
    }
    for (String name : names) {
      assignments.add(new ShellReading.Assignment(name, new Word(expression, String.valueOf(Word.UNKNOWN), false),
          "arithmetic assignment: " + shown(expression)));
    }
  }

  /**
   * What a {@code ${…}} does beyond reading a value: {@code ${NAME:=word}} assigns (read as the
   * assignment it is, so every rule on assignments applies); {@code ${x@P}} expands the value as a
   * prompt (code included); {@code ${!x}} looks up the name the value holds (subscript included);
   * {@code ${s:i:n}} evaluates its offsets.
   */
  private void expansion(TSNode n, Ctx c) {
    String t = c.p.text(n);
    java.util.regex.Matcher a = EXPANSION_ASSIGNS.matcher(t);
    if (a.matches() && !t.startsWith("${!")) {
      int op = -1;
      for (int i = 0; i < n.getChildCount(); i++) {
        String ty = n.getChild(i).getType();
        if (ty.equals(":=") || ty.equals("=")) {
          op = i;
          break;
        }
      }
      Word w;
      if (op >= 0 && op + 3 == n.getChildCount() && n.getChild(op + 1).isNamed()
          && n.getChild(op + 2).getType().equals("}")) {
        w = ShellWords.word(c.p, n.getChild(op + 1));
      } else if (op >= 0 && op + 2 == n.getChildCount() && n.getChild(op + 1).getType().equals("}")) {
        w = Word.literal("", "");
      } else {
        w = new Word(t, String.valueOf(Word.UNKNOWN), false);
      }
      String raw = t.substring(t.indexOf('=') + 1, t.length() - 1);
      if (raw.contains("$(") || raw.contains("`") || raw.contains("${")) {
        w = new Word(raw, w.value() + raw, w.literal()); // quoted code stays visible to the checks on values
      }
      assignments.add(new ShellReading.Assignment(a.group(1), w, t));
      laterCode(w.value());
      assigned(a.group(1), w, t);
      commandInValue(a.group(1), w, c, t);
      if (reEvaluator == null && EXPANDED_VARS.contains(Regexes.replaceAll(a.group(1), "\\[.*", ""))) {
        reEvaluator = "setting " + a.group(1);
      }
    }
    java.util.regex.Matcher prompt = java.util.regex.Pattern.compile("(?s)\\$\\{!?([^}\\[@]*)(\\[[^\\]]*\\])?@P}").matcher(t);
    if (prompt.matches()) {
      String base = prompt.group(1);
      if (!IDENTIFIER.matcher(base).matches()) {
        unclassified.add("a prompt expansion of a value only known when it runs: " + shown(t));
      } else {
        evaluates(base, "a prompt expansion");
      }
    }
    java.util.regex.Matcher ind = INDIRECTION.matcher(t);
    if (ind.matches()) {
      if (!IDENTIFIER.matcher(ind.group(1)).matches()) {
        unclassified.add("an indirection through a value only known when it runs: " + shown(t));
      } else {
        evaluates(ind.group(1), "an indirection");
      }
    }
    java.util.regex.Matcher sub = SUBSTRING.matcher(t);
    if (sub.matches()) {
      evaluates(sub.group(1), "a substring's offset");
    }
  }

  /**
   * A builtin that stores a value in a variable it names: the value is not known here. {@code
   * printf -v NAME} is computed when its format and arguments are literal and simple; else
   * unclassified ({@code printf -v x '\x24(cmd)'} makes code no literal holds). {@code let} and
   * {@code declare -i} evaluate arithmetic; the integer attribute makes every later assignment
   * (on any later line, {@code read} included) arithmetic, so it is unclassified.
   */
  private void valueSetter(ShellCommand sc) {
    if (!VALUE_SETTERS.contains(sc.name())) {
      return;
    }
    List<Word> a = sc.args();
    switch (sc.name()) {
      case "let" -> {
        for (Word w : a) {
          evaluates(w.source(), "let");
        }
        return;
      }
      case "printf" -> {
        printfToVariable(sc);
        return;
      }
      case "declare", "typeset", "local" -> {
        for (Word w : a) {
          if (!w.literal() && w.value().startsWith("-") || w.literal() && Regexes.matches(w.value(), "-[a-zA-Z]*i[a-zA-Z]*")) {
            unclassified.add("the integer attribute makes bash evaluate every value assigned to the variable: "
                + shown(sc.text()));
            return;
          }
        }
        for (Word w : a) {
          if (!w.value().contains("=")) {
            plainValues.remove(Regexes.replaceFirst(w.value(), "\\[.*", ""));
          }
        }
        return;
      }
      default -> plainValues.clear(); // read, mapfile, getopts, source, eval: any variable may hold anything now
    }
  }

  /** {@code printf -v NAME FORMAT ARGS}: the value it stores, when the guard can compute it exactly. */
  private void printfToVariable(ShellCommand sc) {
    List<Word> a = sc.args();
    int i = 0;
    String name = null;
    while (i < a.size()) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal()) {
        if (v.startsWith("-") || v.startsWith(String.valueOf(Word.UNKNOWN))) {
          unclassified.add("printf with an option only known when it runs: " + shown(sc.text()));
          return;
        }
        break;
      }
      if (v.equals("--")) {
        i++;
        break;
      }
      if (v.equals("-v") && i + 1 < a.size()) {
        name = a.get(i + 1).value();
        if (!a.get(i + 1).literal()) {
          unclassified.add("printf -v stores in a variable only known when it runs: " + shown(sc.text()));
          return;
        }
        i += 2;
      } else if (v.startsWith("-v") && v.length() > 2) {
        name = v.substring(2);
        i++;
      } else {
        break;
      }
    }
    if (name == null) {
      return; // prints: what it prints is output, not code
    }
    String value = printfValue(a.subList(Math.min(i, a.size()), a.size()));
    if (value == null) {
      plainValues.remove(Regexes.replaceFirst(name, "\\[.*", ""));
      unclassified.add("printf -v stores a value the guard cannot compute from the text: " + shown(sc.text()));
      return;
    }
    assigned(name, Word.literal(value, value), sc.text());
  }

  /** What printf prints for a literal format with only %s, %d, %i and %% and literal arguments; else null. */
  static String printfValue(List<Word> args) {
    if (args.isEmpty() || args.stream().anyMatch(w -> !w.literal())) {
      return null;
    }
    String f = args.get(0).value();
    if (f.indexOf('\\') >= 0) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    int next = 1;
    for (int k = 0; k < f.length(); k++) {
      char ch = f.charAt(k);
      if (ch != '%') {
        out.append(ch);
        continue;
      }
      if (k + 1 >= f.length()) {
        return null;
      }
      char d = f.charAt(++k);
      String arg = next < args.size() ? args.get(next).value() : null;
      switch (d) {
        case '%' -> out.append('%');
        case 's' -> {
          out.append(arg == null ? "" : arg);
          next++;
        }
        case 'd', 'i' -> {
          if (arg != null && !PLAIN_VALUE.matcher(arg).matches()) {
            return null;
          }
          out.append(arg == null ? "0" : arg);
          next++;
        }
        default -> {
          return null;
        }
      }
    }
    return next < args.size() ? null : out.toString(); // printf reuses the format for more arguments
  }

  /** Notes a literal value that holds {@code $(}, a backquote or {@code ${}: code if evaluated again. */
  private void laterCode(String value) {
    if (codeInLiteral == null && (value.contains("$(") || value.contains("`") || value.contains("${"))) {
      codeInLiteral = value;
    }
  }

  private static Ctx inner(Ctx c, String step) {
    return new Ctx(c.p, via(c.via, step), c.codeDepth);
  }

  private static List<String> via(List<String> outer, String step) {
    List<String> v = new ArrayList<>(outer);
    v.add(step);
    return v;
  }

  private static String shown(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}
