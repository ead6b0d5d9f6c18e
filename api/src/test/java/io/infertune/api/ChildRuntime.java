package io.infertune.api;

import io.infertune.runtime.http.HttpRuntimeAdapter;
import io.infertune.runtime.http.LaunchProfile;
import io.infertune.runtime.http.LaunchProfiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code infertune runtime} launched as a child process through the {@code infertune-runtime}
 * launch profile: this JVM's java and class path, main class {@link Main}.
 */
final class ChildRuntime {
  /**
   * Model files shared by the tests of this module: extracting them takes a second or two that
   * every launch would otherwise pay.
   */
  static final Path DATA_DIR = Path.of("target", "child-runtime-data").toAbsolutePath();

  private ChildRuntime() {}

  static LaunchProfile profile() {
    return LaunchProfiles.builtIn().get("infertune-runtime");
  }

  static HttpRuntimeAdapter.Builder builder() {
    return builder(profile());
  }

  static HttpRuntimeAdapter.Builder builder(LaunchProfile profile) {
    return HttpRuntimeAdapter.launch(profile)
        .variable("infertune", HttpRuntimes.infertune(List.of("-Xmx512m")))
        .variable("data_dir", DATA_DIR.toString())
        .readyTimeout(Duration.ofSeconds(120))
        .stopGrace(Duration.ofSeconds(20));
  }
}
