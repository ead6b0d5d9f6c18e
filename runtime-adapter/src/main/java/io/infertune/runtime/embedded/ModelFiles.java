package io.infertune.runtime.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model files of the embedded runtime: each {@code .onnx} file is copied once out of its jar
 * into a cache folder, so that ONNX Runtime maps it from disk.
 *
 * <p>Why a file and not the bytes: {@code createSession(path)} peaks at about half the resident
 * memory of {@code createSession(byte[])} (264 MiB instead of 494 MiB for fp32) and skips the
 * 0.5-1.6 s of jar inflation at every load (ARCHITECTURE.md, "The embedded runtime").
 *
 * <p>A cached file is named after its expected size, and trusted only when it has that size, so a
 * copy cut short by a crash or a model jar of another version is extracted again. Copies are
 * written to a temporary file in the same folder and moved into place atomically: processes that
 * share a cache folder never see a partial file.
 *
 * @implNote thread-safe; extraction of one file happens at most once per instance at a time.
 */
public final class ModelFiles {
  private static final Logger log = LoggerFactory.getLogger(ModelFiles.class);

  /** ONNX Runtime reads this property once, when its native code is first loaded. */
  static final String ORT_NATIVE_PATH_PROPERTY = "onnxruntime.native.path";

  private final Path cacheDir;
  private final Map<ModelVariant, BertTokenizer> tokenizers = new EnumMap<>(ModelVariant.class);

  /** Model files cached under {@code cacheDir} (created when missing). */
  public ModelFiles(Path cacheDir) {
    this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir").toAbsolutePath();
  }

  /** {@code infertune-models} under {@code java.io.tmpdir}. */
  public static Path defaultCacheDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "infertune-models");
  }

  /** The folder the files are cached in. */
  public Path cacheDir() {
    return cacheDir;
  }

  /**
   * The path of {@code variant}'s {@code .onnx} file, extracted from the classpath on first use.
   *
   * @throws IOException when the resource is missing or the cache folder is not writable
   */
  public synchronized Path onnxFile(ModelVariant variant) throws IOException {
    return extract(variant.onnxResource(), cacheDir);
  }

  /**
   * The tokenizer of {@code variant}, read from its {@code tokenizer.json} on the classpath once.
   *
   * @throws IOException when the resource is missing or malformed
   */
  public synchronized BertTokenizer tokenizer(ModelVariant variant) throws IOException {
    BertTokenizer t = tokenizers.get(variant);
    if (t == null) {
      try (InputStream in = open(variant.tokenizerResource())) {
        t = BertTokenizer.fromJson(in);
      }
      tokenizers.put(variant, t);
    }
    return t;
  }

  /**
   * Extracts ONNX Runtime's native libraries for this platform into the cache folder and points
   * {@code onnxruntime.native.path} at them, unless that property is already set or the jar holds
   * no libraries for this platform. Without it ONNX Runtime copies its libraries into a fresh
   * {@code onnxruntime-java*} temporary folder at every JVM start and leaves the folder behind.
   *
   * <p>Call it before anything touches ONNX Runtime: the property is read once per JVM, when the
   * native code is loaded; setting it later has no effect (and does no harm).
   *
   * @return the folder the property now points at, or empty when it was left alone
   */
  public synchronized Optional<Path> prepareNativeLibraries() {
    if (System.getProperty(ORT_NATIVE_PATH_PROPERTY) != null) {
      return Optional.empty();
    }
    Optional<String> platform = ortPlatform();
    if (platform.isEmpty()) {
      return Optional.empty();
    }
    String prefix = "ai/onnxruntime/native/" + platform.get() + "/";
    String[] names = {
      System.mapLibraryName("onnxruntime"), System.mapLibraryName("onnxruntime4j_jni")
    };
    try {
      long[] sizes = new long[names.length];
      for (int i = 0; i < names.length; i++) {
        URL url = ModelFiles.class.getClassLoader().getResource(prefix + names[i]);
        if (url == null) {
          return Optional.empty();
        }
        sizes[i] = contentLength(url);
        if (sizes[i] < 0) {
          return Optional.empty();
        }
      }
      // Keyed by the libraries' sizes: another ONNX Runtime version gets a folder of its own.
      Path dir =
          cacheDir
              .resolve("onnxruntime-native")
              .resolve(platform.get() + "-" + sizes[0] + "-" + sizes[1]);
      for (String name : names) {
        extractExactly(prefix + name, dir.resolve(name));
      }
      System.setProperty(ORT_NATIVE_PATH_PROPERTY, dir.toString());
      return Optional.of(dir);
    } catch (IOException | UncheckedIOException e) {
      // Not fatal: ONNX Runtime then extracts its libraries itself, as it does by default.
      log.warn("could not pre-extract ONNX Runtime's native libraries: {}", e.toString());
      return Optional.empty();
    }
  }

  /** ONNX Runtime's name for this platform's folder of native libraries. */
  private static Optional<String> ortPlatform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String o;
    if (os.contains("linux")) {
      o = "linux";
    } else if (os.contains("mac") || os.contains("darwin")) {
      o = "osx";
    } else if (os.contains("win")) {
      o = "win";
    } else {
      return Optional.empty();
    }
    String a;
    if (arch.equals("amd64") || arch.equals("x86_64")) {
      a = "x64";
    } else if (arch.equals("aarch64") || arch.equals("arm64")) {
      a = "aarch64";
    } else {
      return Optional.empty();
    }
    return Optional.of(o + "-" + a);
  }

  /**
   * Copies the classpath resource {@code name} to {@code dir}, under a name that carries its size,
   * unless a file of that name and size is already there.
   */
  static Path extract(String name, Path dir) throws IOException {
    URL url = ModelFiles.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IOException("model resource '" + name + "' is not on the classpath");
    }
    long size = contentLength(url);
    Files.createDirectories(dir);
    if (size >= 0) {
      Path target = dir.resolve(sizedName(name, size));
      if (Files.isRegularFile(target) && Files.size(target) == size) {
        return target;
      }
      copyAtomically(url, target, size);
      return target;
    }
    // The size is unknown up front (an unusual class loader): copy, then name the file after what
    // was copied.
    Path tmp = Files.createTempFile(dir, name, ".part");
    try {
      long copied;
      try (InputStream in = url.openStream()) {
        copied = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      Path target = dir.resolve(sizedName(name, copied));
      move(tmp, target);
      return target;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Copies {@code resource} to exactly {@code target}, unless it is there with the right size. */
  private static void extractExactly(String resource, Path target) throws IOException {
    URL url = ModelFiles.class.getClassLoader().getResource(resource);
    if (url == null) {
      throw new IOException("resource '" + resource + "' is not on the classpath");
    }
    long size = contentLength(url);
    Files.createDirectories(target.getParent());
    if (Files.isRegularFile(target) && Files.size(target) == size) {
      return;
    }
    copyAtomically(url, target, size);
  }

  private static void copyAtomically(URL url, Path target, long expectedSize) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
    try {
      long copied;
      try (InputStream in = url.openStream()) {
        copied = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      if (expectedSize >= 0 && copied != expectedSize) {
        throw new IOException(
            "copied " + copied + " bytes of " + url + ", expected " + expectedSize);
      }
      move(tmp, target);
      log.info("extracted {} ({} bytes)", target, copied);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * {@code all-minilm-l6-v2.onnx} of 90387606 bytes becomes {@code all-minilm-l6-v2-90387606.onnx}.
   */
  static String sizedName(String name, long size) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name + "-" + size : name.substring(0, dot) + "-" + size + name.substring(dot);
  }

  /** The resource's size in bytes, or -1 when it cannot be known without reading it. */
  private static long contentLength(URL url) throws IOException {
    if ("file".equals(url.getProtocol())) {
      try {
        return Files.size(Path.of(url.toURI()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        return -1;
      }
    }
    URLConnection c = url.openConnection();
    if (c instanceof JarURLConnection jar) {
      return jar.getJarEntry().getSize();
    }
    return -1;
  }

  private static InputStream open(String name) throws IOException {
    InputStream in = ModelFiles.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException("model resource '" + name + "' is not on the classpath");
    }
    return in;
  }
}
