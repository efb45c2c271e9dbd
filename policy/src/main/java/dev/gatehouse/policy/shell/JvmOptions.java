package dev.gatehouse.policy.shell;

import java.util.Optional;

/**
 * Files the JVM reads its own options from ({@code -XX:OnError=CMD} among them, run with {@code
 * sh -c}): java's {@code @argfile} in its options, {@code -XX:Flags=FILE} (a {@code .hotspotrc}),
 * {@code -XX:VMOptionsFile=FILE}, and {@code .hotspotrc} in the working directory with {@code
 * -XX:+ReadVMOptionsFile}; a JDK tool's launcher takes them as {@code -J…} (jshell's remote VM as
 * {@code -R…}). Counts when the file is one the text may write or not a regular path by literal name.
 */
final class JvmOptions {
  private JvmOptions() {}

  static Optional<String> readsWhatTheTextWrites(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      String n = c.name();
      if (!n.matches("java|javac|javadoc|javap|jar|jarsigner|jdb|jdeps|jdeprscan|jlink|jmod|jpackage|jshell|keytool|jcmd"
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
        value = n.equals("java") && v.matches("-cp|-classpath|--class-path|-p|--module-path|--upgrade-module-path"
            + "|--add-modules|--limit-modules|--enable-native-access|--add-reads|--add-exports|--add-opens|--patch-module|--source");
        if (!n.equals("java")) {
          if (!v.startsWith("-J") && !(n.equals("jshell") && v.startsWith("-R"))) {
            continue;
          }
          v = v.substring(2);
        } else if (v.equals("-jar") || v.equals("-m") || v.equals("--module") || !v.startsWith("-") && !v.startsWith("@")) {
          break; // what follows is the program's
        }
        String file = v.startsWith("@") && !v.startsWith("@@") && n.equals("java") ? v.substring(1)
            : v.startsWith("-XX:Flags=") ? v.substring(10) : v.startsWith("-XX:VMOptionsFile=") ? v.substring(18)
            : v.equals("-XX:+ReadVMOptionsFile") ? ".hotspotrc" : null;
        if (file == null) {
          continue;
        }
        Word f = new Word(w.source(), file, w.literal());
        if (!Interpreters.regularPath(f) || ReadAtStart.fileTheTextMayWrite(r, c, f)) {
          return Optional.of(c.text());
        }
      }
    }
    return Optional.empty();
  }
}
