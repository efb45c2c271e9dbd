package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Files the JVM reads its own options from ({@code -XX:OnError=CMD} among them, run with {@code
 * sh -c}): java's {@code @argfile} in its options, {@code -XX:Flags=FILE} (a {@code .hotspotrc}),
 * {@code -XX:VMOptionsFile=FILE}, and {@code .hotspotrc} in the working directory with {@code
 * -XX:+ReadVMOptionsFile}; a JDK tool's launcher takes them as {@code -J…} (jshell's remote VM as
 * {@code -R…}). Counts when the file is one the text may write or not a regular path by literal name;
 * so do an agent's file ({@code -javaagent:F}, {@code -agentpath:F}). The mvn script (also
 * mvnDebug, and mvnw, which runs it) passes {@code MAVEN_OPTS}, {@code MAVEN_DEBUG_OPTS} and the
 * lines of {@code .mvn/jvm.config} (in the project directory, found from the working directory up)
 * unquoted to java's command line; Maven reads {@code .mvn/maven.config} as its own options and
 * loads the extensions {@code .mvn/extensions.xml} names, mvnw runs the distribution its {@code
 * .mvn/wrapper/maven-wrapper.properties} names: a written one counts.
 */
final class JvmOptions {
  private JvmOptions() {}

  static Optional<String> readsWhatTheTextWrites(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      String n = c.name();
      if (Regexes.matches(n, "mvn|mvnDebug|mvnw|mvnwDebug|mvnyjp") && mavenReadsWhatTheTextWrites(r, c)) {
        return Optional.of(c.text());
      }
      if (!Regexes.matches(n, "java|javac|javadoc|javap|jar|jarsigner|jdb|jdeps|jdeprscan|jlink|jmod|jpackage|jshell|keytool|jcmd"
          + "|jconsole|jinfo|jmap|jps|jrunscript|jstack|jstat|jstatd|serialver|rmiregistry|jhsdb|jfr|jimage|jwebserver")) {
        continue;
      }
      boolean value = false;
      for (Word w : c.args()) {
        String v = w.value();
        if (value) {
          value = false;
          continue;
        }
        value = n.equals("java") && Regexes.matches(v, "-cp|-classpath|--class-path|-p|--module-path|--upgrade-module-path"
            + "|--add-modules|--limit-modules|--enable-native-access|--add-reads|--add-exports|--add-opens|--patch-module|--source");
        if (!n.equals("java")) {
          if (!v.startsWith("-J") && !(n.equals("jshell") && v.startsWith("-R"))) {
            continue;
          }
          v = v.substring(2);
        } else if (v.equals("-jar") || v.equals("-m") || v.equals("--module") || !v.startsWith("-") && !v.startsWith("@")) {
          break; // what follows is the program's
        }
        if (optionFileWritten(r, c, w, v, n.equals("java"))) {
          return Optional.of(c.text());
        }
      }
    }
    return Optional.empty();
  }

  private static boolean optionFileWritten(ShellReading r, ShellCommand c, Word w, String v, boolean java) {
    String file = v.startsWith("@") && !v.startsWith("@@") && java ? v.substring(1)
        : v.startsWith("-XX:Flags=") ? v.substring(10) : v.startsWith("-XX:VMOptionsFile=") ? v.substring(18)
        : v.equals("-XX:+ReadVMOptionsFile") ? ".hotspotrc"
        : v.startsWith("-javaagent:") || v.startsWith("-agentpath:") ? Regexes.replaceFirst(v, "(?s)^-[a-z]+:([^=]*).*", "$1") : null;
    if (file == null) {
      return false;
    }
    Word f = new Word(w.source(), file, w.literal());
    return !Interpreters.regularPath(f) || ReadAtStart.fileTheTextMayWrite(r, c, f);
  }

  private static boolean mavenReadsWhatTheTextWrites(ShellReading r, ShellCommand c) {
    for (ShellReading.Assignment a : r.assignments()) {
      List<Word> words = a.value() == null ? null : mavenWords(a.variable(), a.value());
      for (Word w : words == null ? List.<Word>of() : words) {
        if (w.literal() && optionFileWritten(r, c, w, w.value(), true)) {
          return true;
        }
      }
      // The scripts run $JAVA_HOME/bin/java (or jre/sh/java).
      if (a.variable().equals("JAVA_HOME") && a.value() != null && !a.value().value().isEmpty()) {
        for (String j : List.of("/bin/java", "/jre/sh/java")) {
          Word f = new Word(a.value().source(), a.value().value() + j, a.value().literal());
          if (ReadAtStart.fileTheTextMayWrite(r, c, f)) {
            return true;
          }
        }
      }
    }
    // mvnw runs bin/mvn of the distribution it keeps under MAVEN_USER_HOME (~/.m2).
    if (c.name().startsWith("mvnw") && ReadAtStart.fileTheTextMayWrite(r, c, new Word("mvn", Word.UNKNOWN + "/bin/mvn", false))) {
      return true;
    }
    for (String f : List.of(".mvn/jvm.config", ".mvn/maven.config", ".mvn/extensions.xml", ".mvn/wrapper/maven-wrapper.properties")) {
      if (ReadAtStart.fileTheTextMayWrite(r, c, Word.literal(f, f))) {
        return true;
      }
    }
    return false;
  }

  /** The variables mvn's words for java come from ({@code MAVEN_DEBUG_ADDRESS}: mvnDebug's jdwp address). */
  static final Set<String> MAVEN_VARIABLES = Set.of("MAVEN_OPTS", "MAVEN_DEBUG_OPTS", "MAVEN_DEBUG_ADDRESS");

  private static final Pattern SELF = Pattern.compile("\\$(MAVEN_OPTS|MAVEN_DEBUG_OPTS|\\{(MAVEN_OPTS|MAVEN_DEBUG_OPTS)\\})");

  /**
   * The words mvn gives java from a variable of {@link #MAVEN_VARIABLES} (the script's unquoted
   * expansion: split at blanks, then matched as patterns), empty for another variable, null when
   * the guard cannot read them. A part only known when it runs is read only as a whole word of the
   * variable's own earlier value ({@code MAVEN_OPTS="$MAVEN_OPTS -Xmx2g"}), judged when it was set;
   * that word is left out.
   */
  static List<Word> mavenWords(String name, Word value) {
    if (!MAVEN_VARIABLES.contains(name)) {
      return List.of();
    }
    String v = name.equals("MAVEN_DEBUG_ADDRESS") ? "-Xdebug -Xrunjdwp:transport=dt_socket,server=y,suspend=y,address=" + value.value()
        : value.value();
    if (!value.literal()) {
      String rest = SELF.matcher(value.source()).replaceAll("");
      long unknowns = v.chars().filter(ch -> ch == Word.UNKNOWN).count();
      if (!Regexes.matches(name, "MAVEN(_DEBUG)?_OPTS") || Regexes.matches(rest, "(?s).*[$`\\\\].*") || unknowns > countSelf(value.source())) {
        return null;
      }
    }
    List<Word> words = new ArrayList<>();
    for (String part : Regexes.split(v.strip(), "[ \t\n]+")) {
      if (part.isEmpty() || part.equals(String.valueOf(Word.UNKNOWN))) {
        continue;
      }
      if (Regexes.matches(part, "(?s).*[*?\\[\u0000].*")) {
        return null;
      }
      words.add(Word.literal(part, part));
    }
    return words;
  }

  private static long countSelf(String source) {
    return SELF.matcher(source).results().count();
  }
}
