package io.infertune.runtime.http;

import java.util.ArrayList;
import java.util.List;

/** The command that runs a main class of the test class path in a JVM of its own. */
final class JavaCommand {
  private JavaCommand() {}

  static List<String> of(Class<?> main) {
    List<String> argv = new ArrayList<>();
    argv.add(ProcessHandle.current().info().command().orElseThrow());
    // A small, quick JVM: the stand-ins do little, and start many times per test class.
    argv.add("-Xmx96m");
    argv.add("-XX:TieredStopAtLevel=1");
    argv.add("-XX:+UseSerialGC");
    argv.add("-cp");
    argv.add(System.getProperty("java.class.path"));
    argv.add(main.getName());
    return argv;
  }
}
