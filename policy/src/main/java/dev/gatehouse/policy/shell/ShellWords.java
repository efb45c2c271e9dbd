package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.treesitter.TSNode;

/**
 * The shell word reader: what bash makes of one word after quote removal ({@code \rm}, {@code
 * 'r'm}, {@code "rm"}, {@code r\<newline>m} and {@code $'\x72m'} are all {@code rm}), and whether
 * that is known before it runs. Expansions ({@code $x}, {@code ${x}}, {@code $(…)}, backticks,
 * {@code $((…))}), a leading {@code ~}, brace expansion ({@code {a,b}}, {@code {1..3}}) and
 * unquoted glob characters make a word not literal.
 *
 * <p>{@link #split} gives the words of a one-command line, for consoles (the kubectl console) that
 * take a command line and must read it as bash would.
 */
public final class ShellWords {
  private ShellWords() {}

  /**
   * The literal words of {@code line} when it is exactly one simple command whose words are all
   * literal (no operators, redirections, assignments, expansions or substitutions); else empty.
   */
  public static Optional<List<String>> split(String line) {
    if (line == null || line.indexOf('\0') >= 0) {
      return Optional.empty();
    }
    BashGrammar.Parsed p = BashGrammar.parse(line);
    if (p == null || p.root.hasError()) {
      return Optional.empty();
    }
    List<TSNode> statements = new ArrayList<>();
    for (int i = 0; i < p.root.getNamedChildCount(); i++) {
      TSNode c = p.root.getNamedChild(i);
      if (!c.getType().equals("comment")) {
        statements.add(c);
      }
    }
    if (statements.size() != 1 || !statements.get(0).getType().equals("command")) {
      return Optional.empty();
    }
    TSNode cmd = statements.get(0);
    List<TSNode> nodes = new ArrayList<>();
    for (int i = 0; i < cmd.getNamedChildCount(); i++) {
      TSNode c = cmd.getNamedChild(i);
      TSNode w = c.getType().equals("command_name") ? c.getNamedChild(0) : c;
      if (c.getType().endsWith("redirect") || c.getType().equals("variable_assignment") || w.isNull()) {
        return Optional.empty();
      }
      nodes.add(w);
    }
    List<Joined> joined = join(p, nodes, java.util.Collections.nCopies(nodes.size(), true));
    if (joined == null) {
      return Optional.empty();
    }
    List<String> words = new ArrayList<>();
    for (Joined j : joined) {
      if (!j.word().literal()) {
        return Optional.empty();
      }
      words.add(j.word().value());
    }
    return Optional.of(List.copyOf(words));
  }

  /**
   * Whether {@code n} is a redirection's file descriptor that the grammar read as a word: bash reads
   * a word of digits only (that fits in an int) written right before a redirection operator as the
   * descriptor it redirects ({@code sh 0</dev/tty} runs {@code sh} with the terminal as its
   * input), while tree-sitter-bash reads {@code 0} there as an argument ({@code number}). A
   * process substitution ({@code 0<(…)}) is no redirection: bash keeps it in the word.
   *
   * <p>The same holds for bash's named descriptor: a word that is exactly {@code {NAME}} or {@code
   * {NAME[SUBSCRIPT]}}, unquoted, written right before {@code <} or {@code >} ({@code bash
   * {x}>/dev/null}) makes bash open a new descriptor and store its number in {@code NAME}; it is no
   * argument and leaves descriptors 0–2 as they were. The grammar reads it as a word.
   */
  private static final Set<String> GLUE_PARENTS = Set.of("command_name", "command", "file_redirect");

  /** bash's {@code {varname}} before a redirection operator: a name, or an array element. */
  private static final java.util.regex.Pattern NAMED_DESCRIPTOR =
      java.util.regex.Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)(\\[[^\\]]*\\])?\\}");

  static boolean gluedDescriptor(BashGrammar.Parsed p, TSNode n) {
    boolean digits = n.getType().equals("number") && descriptor(p.text(n));
    boolean named = (n.getType().equals("word") || n.getType().equals("concatenation")) && namedDescriptor(p.text(n)) != null;
    if (!digits && !named) {
      return false;
    }
    int after = n.getEndByte();
    if (after >= p.utf8.length || p.utf8[after] != '<' && p.utf8[after] != '>') {
      return false; // &> and &>> begin with &: bash keeps the digits a word
    }
    TSNode at = n;
    TSNode next = at.getNextSibling();
    // The digits may sit at the end of a command_name, of a command (before a redirected_statement's
    // redirections) or of the redirection before (cat 2>x 0<y): the node after is found going up.
    while ((next == null || next.isNull()) && !at.getParent().isNull() && GLUE_PARENTS.contains(at.getParent().getType())) {
      at = at.getParent();
      next = at.getNextSibling();
    }
    return next != null && !next.isNull() && next.getType().endsWith("redirect") && next.getStartByte() == after;
  }

  /**
   * The descriptor written right before redirection {@code r} as a word the grammar read apart
   * ({@link #gluedDescriptor}), or null.
   */
  static String gluedDescriptorOf(BashGrammar.Parsed p, TSNode r) {
    TSNode prev = r.getPrevSibling();
    while (prev != null && !prev.isNull() && GLUE_PARENTS.contains(prev.getType()) && prev.getChildCount() > 0) {
      prev = prev.getChild(prev.getChildCount() - 1);
    }
    return prev != null && !prev.isNull() && gluedDescriptor(p, prev) && prev.getEndByte() == r.getStartByte()
        ? p.text(prev) : null;
  }

  /**
   * The variable a named descriptor ({@code {x}}, {@code {a[1]}}) sets, without its braces, or
   * null when {@code word} is not one.
   */
  static String namedDescriptor(String word) {
    java.util.regex.Matcher m = NAMED_DESCRIPTOR.matcher(word);
    return m.matches() ? word.substring(1, word.length() - 1) : null;
  }

  /** Digits that bash takes as a descriptor number: they fit in an int (else bash keeps them a word). */
  static boolean descriptor(String digits) {
    if (!Regexes.matches(digits, "[0-9]{1,10}")) {
      return false;
    }
    return Long.parseLong(digits) <= Integer.MAX_VALUE;
  }

  /**
   * tree-sitter-bash skips an escaped blank ({@code \\ }, {@code \\<tab>}) between tokens as if it
   * were space, and may start a new word right after a quoted part ({@code 'a'\\x}); bash keeps both
   * in the word. So the words of one command are rebuilt from the source between the grammar's
   * nodes: text between two nodes that holds no unescaped blank glues them into one word, and an
   * escaped blank there is a blank inside a word.
   *
   * @param nodes the command's children in source order that are words (true) or something else
   *     (a redirection, an assignment: false)
   * @return the words, in order, with the index of the first node each starts at; null when the
   *     text between nodes holds something this reader does not place (a word glued to a
   *     redirection or an assignment, an unusual blank such as a vertical tab or carriage return)
   */
  static List<Joined> join(BashGrammar.Parsed p, List<TSNode> nodes, List<Boolean> isWord) {
    List<Joined> out = new ArrayList<>();
    StringBuilder source = null;
    StringBuilder value = null;
    boolean literal = true;
    int first = -1;
    int sourceStart = -1;
    for (int i = 0; i < nodes.size(); i++) {
      TSNode n = nodes.get(i);
      List<String> pieces = List.of("");
      boolean glued = false;
      if (i > 0) {
        String gap = p.slice(nodes.get(i - 1).getEndByte(), n.getStartByte());
        pieces = gapPieces(gap);
        if (pieces == null) {
          return null;
        }
        glued = pieces.size() == 1;
        // the first piece belongs to the word before, the last to the node after
        if (!pieces.get(0).isEmpty() && !isWord.get(i - 1)) {
          return null;
        }
        if (!pieces.get(pieces.size() - 1).isEmpty() && !isWord.get(i)) {
          return null;
        }
        if (glued && !pieces.get(0).isEmpty() && (!isWord.get(i - 1) || !isWord.get(i))) {
          return null;
        }
      }
      if (value != null) {
        value.append(pieces.get(0));
        if (!glued || !isWord.get(i)) {
          out.add(new Joined(joined(p.slice(sourceStart, nodes.get(i - 1).getEndByte()), value.toString(), literal), first));
          value = null;
        }
      }
      for (int k = 1; k < pieces.size() - 1; k++) {
        if (!pieces.get(k).isEmpty()) {
          out.add(new Joined(Word.literal(pieces.get(k), pieces.get(k)), i));
        }
      }
      if (!isWord.get(i)) {
        continue;
      }
      Word w = word(p, n);
      if (value == null) {
        String lead = pieces.size() > 1 ? pieces.get(pieces.size() - 1) : "";
        value = new StringBuilder(lead);
        literal = true;
        first = i;
        sourceStart = lead.isEmpty() ? n.getStartByte() : n.getStartByte() - 2 * lead.length();
      }
      value.append(w.value());
      literal &= w.literal();
    }
    if (value != null) {
      out.add(new Joined(joined(p.slice(sourceStart, nodes.get(nodes.size() - 1).getEndByte()), value.toString(), literal), first));
    }
    return out;
  }

  /**
   * A word rebuilt from several nodes: bash reads braces and globs over its whole text ({@code
   * {touch\ W,x}} is two nodes, neither a brace expansion alone), so they are looked for again.
   */
  private static Word joined(String source, String value, boolean literal) {
    return new Word(source, value, literal && !braceExpansion(source) && !glob(source));
  }

  /** One rebuilt word and the index of the node it starts at. */
  record Joined(Word word, int firstNode) {}

  /**
   * The text between two nodes split at its unescaped blanks, escaped blanks kept as blanks; one
   * piece when there is no unescaped blank (the nodes are one word); null for anything else.
   */
  static List<String> gapPieces(String gap) {
    List<String> pieces = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean separated = false;
    for (int i = 0; i < gap.length(); i++) {
      char c = gap.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n') {
        if (!separated) {
          pieces.add(cur.toString());
          cur.setLength(0);
          separated = true;
        }
        continue;
      }
      if (c == '\\' && i + 1 < gap.length() && (gap.charAt(i + 1) == ' ' || gap.charAt(i + 1) == '\t')) {
        cur.append(gap.charAt(++i));
        separated = false;
        continue;
      }
      return null;
    }
    pieces.add(cur.toString());
    return pieces;
  }

  /** The word a node of the tree stands for. */
  static Word word(BashGrammar.Parsed p, TSNode n) {
    StringBuilder v = new StringBuilder();
    boolean[] literal = {true};
    append(p, n, v, literal, true);
    if (literal[0] && (braceExpansion(p.text(n)) || glob(p.text(n)))) {
      literal[0] = false;
    }
    return new Word(p.text(n), v.toString(), literal[0]);
  }

  /**
   * The words bash's brace expansion makes of {@code w}, in order: bash expands braces first, then
   * each word on its own ({@code -{N,-lesskey-src=F}} is {@code -N --lesskey-src=F}; {@code
   * -N{,\ --x}} adds the word {@code -N --x}). {@code w} itself when bash expands no brace in it.
   * The words are read from {@code w}'s text as bash reads it ({@link BraceExpansion#ofSource}),
   * each then unquoted; an empty unquoted word is dropped, as bash drops it. A word with a glob or
   * a leading tilde is not literal. Null when not exactly known: more than {@link
   * PathPatterns#MAX_WORDS} words. A made word holding a {@code $} or {@code `} is not literal: its
   * value is known up to there, then {@link Word#UNKNOWN}.
   */
  static List<Word> braceWords(Word w) {
    if (w.literal() || !braceExpansion(w.source())) {
      return List.of(w);
    }
    List<String> written = BraceExpansion.ofSource(w.source());
    if (written == null) {
      return null;
    }
    List<Word> out = new ArrayList<>(written.size());
    for (String s : written) {
      if (s.isEmpty()) {
        continue;
      }
      String value = quoteRemoved(s);
      if (value == null) {
        // an expansion ($, `) in the made word: the text before it is known, the rest is not
        String known = removeQuotes(s, true);
        if (known == null) {
          return null;
        }
        out.add(new Word(s, known, false));
        continue;
      }
      out.add(!glob(s) && !s.startsWith("~") ? Word.literal("'" + value.replace("'", "'\\''") + "'", value)
          : new Word(s, value, false));
    }
    return out;
  }

  /**
   * A word's value after quote removal, when it holds no expansion: backslash escapes, '…' and
   * "…" (with the escapes bash honours there); null for a {@code $} outside single quotes, a
   * {@code `} or an unclosed quote.
   */
  static String quoteRemoved(String s) {
    return removeQuotes(s, false);
  }

  /**
   * {@link #quoteRemoved}; with {@code prefix}, at the first {@code $} or {@code `} the value read so
   * far followed by {@link Word#UNKNOWN} (what comes from there on is only known when it runs).
   */
  private static String removeQuotes(String s, boolean prefix) {
    StringBuilder v = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (i + 1 < s.length() && s.charAt(++i) != '\n') {
          v.append(s.charAt(i));
        }
      } else if (c == '\'') {
        int close = s.indexOf('\'', i + 1);
        if (close < 0) {
          return null;
        }
        v.append(s, i + 1, close);
        i = close;
      } else if (c == '"') {
        int j = i + 1;
        for (; j < s.length() && s.charAt(j) != '"'; j++) {
          char d = s.charAt(j);
          if (d == '$' || d == '`') {
            return prefix ? v.append(Word.UNKNOWN).toString() : null;
          }
          if (d == '\\' && j + 1 < s.length() && "$`\"\\\n".indexOf(s.charAt(j + 1)) >= 0) {
            if (s.charAt(++j) != '\n') {
              v.append(s.charAt(j));
            }
            continue;
          }
          v.append(d);
        }
        if (j >= s.length()) {
          return null;
        }
        i = j;
      } else if (c == '$' || c == '`') {
        return prefix ? v.append(Word.UNKNOWN).toString() : null;
      } else {
        v.append(c);
      }
    }
    return v.toString();
  }

  /**
   * Whether bash would brace-expand the word: read as bash reads it ({@link
   * BraceExpansion#ofSource}: the first unquoted brace with its match, nesting counted, and a
   * top-level comma or sequence inside), true also when that is not exactly known here.
   */
  static boolean braceExpansion(String source) {
    if (source.indexOf('{') < 0) {
      return false;
    }
    List<String> words = BraceExpansion.ofSource(source);
    return words == null || !words.equals(List.of(source));
  }

  /**
   * Whether bash would expand the word as a pathname pattern: an unquoted {@code *}, {@code ?}, or
   * {@code [} with an unquoted {@code ]} anywhere after it ({@code unquoted_glob_pattern_p} in
   * bash's pathexp.c; {@code []x]} and {@code [].-]} are patterns: a {@code ]} first in a bracket is
   * a member).
   */
  private static boolean glob(String source) {
    String shape = shape(source);
    int open = shape.indexOf('[');
    return shape.indexOf('*') >= 0 || shape.indexOf('?') >= 0 || open >= 0 && shape.lastIndexOf(']') > open;
  }

  /**
   * Whether a word's text holds a newline outside quotes: bash ends the command there, so a
   * grammar that put it inside one word did not read the text as bash does.
   */
  static boolean bareNewline(String source) {
    return source.indexOf('\n') >= 0 && shape(source).indexOf("\n") >= 0;
  }

  /** The word's text with quoted parts and escaped characters blanked to {@code x}. */
  private static String shape(String source) {
    StringBuilder shape = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"') {
          i++;
        }
        shape.append('x');
      } else if (c == '\'' || c == '"') {
        quote = c;
        shape.append('x');
      } else if (c == '\\') {
        i++;
        shape.append("xx");
      } else {
        shape.append(c);
      }
    }
    return shape.toString();
  }

  private static void append(BashGrammar.Parsed p, TSNode n, StringBuilder v, boolean[] literal, boolean wordStart) {
    switch (n.getType()) {
      case "word", "number", "variable_name", "special_variable_name" ->
          unquoted(p.text(n), v, literal, wordStart);
      case "raw_string" -> {
        String s = p.text(n);
        v.append(s, 1, Math.max(1, s.length() - 1));
      }
      case "string" -> doubleQuoted(p, n, v, literal);
      case "translated_string" -> {
        boolean found = false;
        for (int i = 0; i < n.getNamedChildCount(); i++) {
          if (n.getNamedChild(i).getType().equals("string")) {
            doubleQuoted(p, n.getNamedChild(i), v, literal);
            found = true;
          }
        }
        String t = p.text(n);
        if (!found && t.length() >= 3 && t.startsWith("$\"") && t.endsWith("\"")
            && Regexes.matches(t.substring(2, t.length() - 1), "[^$`\\\\\"]*")) {
          // $"…" with no expansion inside: bash with no message catalogue for it reads its
          // contents as "…" (a TEXTDOMAIN set in the text is unclassified on its own).
          v.append(t, 2, t.length() - 1);
          found = true;
        }
        if (!found) {
          unknown(v, literal);
        }
      }
      case "ansi_c_string" -> {
        String s = p.text(n);
        if (!ansiC(s.substring(2, Math.max(2, s.length() - 1)), v)) {
          unknown(v, literal);
        }
      }
      case "concatenation" -> {
        int pos = n.getStartByte();
        boolean start = wordStart;
        int count = n.getChildCount();
        for (int i = 0; i < count; i++) {
          TSNode c = n.getChild(i);
          if (c.getStartByte() > pos) {
            // A gap that ends in the $ of a locale string $"…" (the string is the child).
            String gap = p.slice(pos, c.getStartByte());
            unquoted(c.getType().equals("string") ? withoutLocaleDollar(gap) : gap, v, literal, start);
            start = false;
          }
          TSNode next = i + 1 < count ? n.getChild(i + 1) : null;
          boolean locale = next != null && next.getType().equals("string") && next.getStartByte() == c.getEndByte();
          if (locale && c.getType().equals("$")) {
            // of=$"/dev/sda": the $ of a locale string $"…", which bash (with no message catalogue
            // for it) reads as "…".
          } else if (locale && c.getType().equals("word")) {
            // of=$"/dev/sda": the grammar puts the $ of a locale string $"…" in the word before it;
            // bash (with no message catalogue for it) reads $"…" as "…".
            unquoted(withoutLocaleDollar(p.text(c)), v, literal, start);
          } else {
            append(p, c, v, literal, start);
          }
          start = false;
          pos = c.getEndByte();
        }
        if (pos < n.getEndByte()) {
          unquoted(p.slice(pos, n.getEndByte()), v, literal, start);
        }
      }
      default -> unknown(v, literal);
    }
  }

  /** {@code s} without a last {@code $} that is not escaped (the {@code $} of a {@code $"…"} that follows). */
  private static String withoutLocaleDollar(String s) {
    if (!s.endsWith("$")) {
      return s;
    }
    int backslashes = 0;
    for (int k = s.length() - 2; k >= 0 && s.charAt(k) == '\\'; k--) {
      backslashes++;
    }
    return backslashes % 2 == 0 ? s.substring(0, s.length() - 1) : s;
  }

  private static void unknown(StringBuilder v, boolean[] literal) {
    v.append(Word.UNKNOWN);
    literal[0] = false;
  }

  /** Unquoted text: backslash escapes, and what expands (globs, braces, a leading tilde, $, `). */
  private static void unquoted(String s, StringBuilder v, boolean[] literal, boolean wordStart) {
    if (wordStart && s.startsWith("~")) {
      literal[0] = false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (i + 1 < s.length()) {
          char next = s.charAt(++i);
          if (next != '\n') {
            v.append(next);
          }
        }
        continue;
      }
      switch (c) {
        case '*', '?', '$', '`' -> literal[0] = false;
        case '[' -> {
          if (s.indexOf(']', i + 1) > 0) {
            literal[0] = false;
          }
        }
        case '{' -> {
          int close = s.indexOf('}', i + 1);
          if (close > 0) {
            String inside = s.substring(i + 1, close);
            if (inside.contains(",") || inside.contains("..")) {
              literal[0] = false;
            }
          }
        }
        default -> {}
      }
      v.append(c);
    }
  }

  /** "…": its content (the gaps between children too), with the backslash escapes bash honours there. */
  private static void doubleQuoted(BashGrammar.Parsed p, TSNode n, StringBuilder v, boolean[] literal) {
    int pos = n.getStartByte();
    for (int i = 0; i < n.getChildCount(); i++) {
      TSNode c = n.getChild(i);
      if (c.getStartByte() > pos) {
        inDoubleQuotes(p.slice(pos, c.getStartByte()), v, literal);
      }
      switch (c.getType()) {
        case "\"" -> {
          // tree-sitter-bash's scanner may put blanks that are the string's whole content into the
          // closing quote's token (" " reads as the tokens " and  "): they are content.
          String q = p.text(c);
          if (i > 0 && q.length() > 1 && q.endsWith("\"")) {
            inDoubleQuotes(q.substring(0, q.length() - 1), v, literal);
          } else if (!q.equals("\"")) {
            unknown(v, literal);
          }
        }
        case "string_content" -> inDoubleQuotes(p.text(c), v, literal);
        default -> unknown(v, literal);
      }
      pos = c.getEndByte();
    }
    if (pos < n.getEndByte()) {
      inDoubleQuotes(p.slice(pos, n.getEndByte()), v, literal);
    }
  }

  private static void inDoubleQuotes(String s, StringBuilder v, boolean[] literal) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char next = s.charAt(i + 1);
        if (next == '$' || next == '`' || next == '"' || next == '\\') {
          v.append(next);
          i++;
          continue;
        }
        if (next == '\n') {
          i++;
          continue;
        }
      } else if (c == '$' || c == '`') {
        // An expansion the grammar left inside the content: not known.
        if (i + 1 < s.length()) {
          literal[0] = false;
        }
      }
      v.append(c);
    }
  }

  /** $'…' as bash decodes it; false for what this reader does not decode (a NUL ends the word in bash). */
  static boolean ansiC(String s, StringBuilder v) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        v.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'a' -> v.append('\u0007');
        case 'b' -> v.append('\b');
        case 'e', 'E' -> v.append('\u001b');
        case 'f' -> v.append('\f');
        case 'n' -> v.append('\n');
        case 'r' -> v.append('\r');
        case 't' -> v.append('\t');
        case 'v' -> v.append('\u000b');
        case '\\', '\'', '"', '?' -> v.append(e);
        case 'x', 'u', 'U', '0', '1', '2', '3', '4', '5', '6', '7' -> {
          int radix = e == 'x' || e == 'u' || e == 'U' ? 16 : 8;
          int max = switch (e) {
            case 'x' -> 2;
            case 'u' -> 4;
            case 'U' -> 8;
            default -> 2; // the first octal digit is e itself
          };
          int start = radix == 8 ? i : i + 1;
          int end = radix == 8 ? i + 1 : start;
          while (end < s.length() && end - start < max + (radix == 8 ? 1 : 0) && Character.digit(s.charAt(end), radix) >= 0) {
            end++;
          }
          if (end == start) {
            v.append('\\').append(e);
            continue;
          }
          int code = Integer.parseInt(s.substring(start, end), radix);
          if (code == 0 || (radix == 8 && code > 0xff) || !Character.isValidCodePoint(code)) {
            return false;
          }
          if (e == 'x' || radix == 8) {
            if (code > 0x7f) {
              return false; // one byte of a multi-byte character: not decoded here
            }
          }
          v.appendCodePoint(code);
          i = end - 1;
        }
        case 'c' -> {
          return false;
        }
        default -> v.append('\\').append(e);
      }
    }
    return true;
  }

  /** How many words bash may make of one word: {@link #ONE}, {@link #PATTERN_WORDS} or {@link #ANY_WORDS}. */
  static final int ONE = 0;
  /** Several words, each a name the word's glob or brace pattern matches or spells (none under nullglob). */
  static final int PATTERN_WORDS = 1;
  /** Several (or no) words of any content: a value split at IFS, or a list. */
  static final int ANY_WORDS = 2;

  /**
   * How many words bash may make of {@code w}. An unquoted expansion ({@code $v}, {@code ${v}},
   * {@code $(…)}, backticks) is split at IFS and globbed: any words ({@code v='-exec sh ;'; find
   * $v}); so is, in double quotes, an expansion to a list ({@code "$@"}, {@code "${a[@]}"}, {@code
   * "${!a[@]}"}, {@code "${@:2}"}: one word per element). An unquoted glob or brace expansion makes
   * the names it matches or spells. A literal word, or any other quoted expansion ({@code "$v"},
   * {@code "$*"}, {@code "${a[*]}"}, {@code "$(cmd)"}), is one word. One pass over the word's text;
   * what it cannot follow (an unterminated quote) counts as any words.
   */
  static int wordsItMayMake(Word w) {
    if (w.literal()) {
      return ONE;
    }
    String s = w.source();
    int made = ONE;
    // Open contexts, innermost last: '"' a double-quoted string, '(' a command substitution or a
    // parenthesis in one. Only the word's own level (empty, or one '"') decides the count.
    StringBuilder open = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      char top = open.length() == 0 ? 0 : open.charAt(open.length() - 1);
      char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
      boolean unquoted = open.length() == 0;
      boolean quotedHere = open.length() == 1 && top == '"';
      if (c == '\\') {
        i++;
      } else if (c == '\'' && top != '"' || c == '$' && next == '\'' && top != '"') {
        // '…' and $'…' (in which a backslash escapes a quote)
        int j = c == '$' ? i + 2 : i + 1;
        while (j < s.length() && s.charAt(j) != '\'') {
          j += c == '$' && s.charAt(j) == '\\' ? 2 : 1;
        }
        if (j >= s.length()) {
          return ANY_WORDS;
        }
        i = j;
      } else if (c == '"') {
        if (top == '"') {
          open.setLength(open.length() - 1);
        } else {
          open.append('"');
        }
      } else if (c == '`') {
        if (unquoted) {
          return ANY_WORDS;
        }
        int j = s.indexOf('`', i + 1);
        while (j > 0 && s.charAt(j - 1) == '\\') {
          j = s.indexOf('`', j + 1);
        }
        if (j < 0) {
          return ANY_WORDS;
        }
        i = j;
      } else if (c == '$' && next == '(') {
        if (unquoted) {
          return ANY_WORDS;
        }
        open.append('(');
        i++;
      } else if (c == '(' && top == '(') {
        open.append('(');
      } else if (c == ')' && top == '(') {
        open.setLength(open.length() - 1);
      } else if (c == '$' && unquoted && (Character.isLetterOrDigit(next) || "_{[@*#?$!-".indexOf(next) >= 0)) {
        return ANY_WORDS;
      } else if (c == '$' && quotedHere && next == '@') {
        return ANY_WORDS;
      } else if (c == '$' && quotedHere && next == '{') {
        int end = s.indexOf('}', i);
        if (end < 0 || s.substring(i, end).indexOf('@') >= 0) {
          return ANY_WORDS; // ${a[@]}, ${@…}, ${!prefix@}, ${x:-$@}
        }
      } else if (unquoted && "*?[{(".indexOf(c) >= 0) {
        made = PATTERN_WORDS; // a glob (extglob's @( +( !( too) or a brace expansion
      }
    }
    return open.length() == 0 ? made : ANY_WORDS;
  }
}
