package io.infertune.api;

import io.infertune.runtime.catalog.RuntimeDefinition;
import io.infertune.runtime.catalog.RuntimeFile;
import io.infertune.runtime.http.HttpRuntimeAdapter;
import io.infertune.runtime.http.LaunchProfile;
import io.infertune.runtime.http.LaunchProfiles;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.RuntimeAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code http} runtimes the service launches ({@code serve --runtime-profile}): one adapter per
 * launch profile, with the variables every profile may use filled in: {@code {infertune}} (this
 * program, run again by the same JVM with the same class path), {@code {java}} and {@code
 * {data_dir}} (the service's), and the user's ({@code --runtime-var model=...}), which win.
 */
final class HttpRuntimes {
  private HttpRuntimes() {}

  /**
   * Starts a server per profile name and returns once each is ready.
   *
   * @throws ApplyFailedException when one does not start (those started are stopped again)
   * @throws IllegalArgumentException for an unknown profile or a missing variable
   * @throws IOException when the user profile directory cannot be read
   */
  static List<HttpRuntimeAdapter> launch(
      List<String> profileNames,
      Optional<Path> profileDirectory,
      Map<String, String> variables,
      Path dataDir)
      throws ApplyFailedException, IOException {
    if (profileNames.isEmpty()) {
      return List.of();
    }
    LaunchProfiles profiles = LaunchProfiles.load(profileDirectory, LaunchProfiles.defaultFacts());
    List<HttpRuntimeAdapter> started = new ArrayList<>();
    try {
      for (String name : profileNames) {
        LaunchProfile p = profiles.get(name);
        HttpRuntimeAdapter.Builder b =
            HttpRuntimeAdapter.launch(p)
                .variable("infertune", infertune(List.of()))
                .variable("java", java())
                .variable("data_dir", dataDir.toAbsolutePath().normalize().toString());
        variables.forEach(b::variable);
        started.add(b.build());
      }
      return started;
    } catch (ApplyFailedException | RuntimeException e) {
      started.forEach(HttpRuntimeAdapter::close);
      throw e;
    }
  }

  /**
   * Opens the runtimes of runtimes files ({@code serve --runtime-file}, format in {@link
   * RuntimeFile}), in file order, with the same variables as {@link #launch}: {@code {infertune}},
   * {@code {java}}, {@code {data_dir}} and the user's.
   *
   * @throws IllegalArgumentException naming the file, the runtime and the field of what is wrong
   * @throws RuntimeDefinition.OpenFailedException when a runtime cannot be started or reached
   *     (those opened are closed again)
   * @throws IOException when a file or the profile directory cannot be read
   */
  static List<RuntimeAdapter> fromFiles(
      List<Path> files,
      Optional<Path> profileDirectory,
      Map<String, String> variables,
      Path dataDir)
      throws IOException, RuntimeDefinition.OpenFailedException {
    if (files.isEmpty()) {
      return List.of();
    }
    LaunchProfiles profiles = LaunchProfiles.load(profileDirectory, LaunchProfiles.defaultFacts());
    List<RuntimeDefinition> definitions = new ArrayList<>();
    for (Path f : files) {
      definitions.addAll(RuntimeFile.read(f, profiles, LaunchProfiles.defaultFacts()));
    }
    Map<String, List<String>> common = new LinkedHashMap<>();
    common.put("infertune", infertune(List.of()));
    common.put("java", List.of(java()));
    common.put("data_dir", List.of(dataDir.toAbsolutePath().normalize().toString()));
    variables.forEach((k, v) -> common.put(k, List.of(v)));
    return RuntimeFile.open(definitions, common, Ticker.system());
  }

  /** The java that runs this program. */
  static String java() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * How to run this program again in a process of its own: the same java, class path and main
   * class, with ONNX Runtime's native access granted as the launcher grants it.
   */
  static List<String> infertune(List<String> jvmOptions) {
    List<String> argv = new ArrayList<>();
    argv.add(java());
    argv.add("--enable-native-access=ALL-UNNAMED");
    argv.addAll(jvmOptions);
    argv.add("-cp");
    argv.add(System.getProperty("java.class.path"));
    argv.add(Main.class.getName());
    return argv;
  }
}
