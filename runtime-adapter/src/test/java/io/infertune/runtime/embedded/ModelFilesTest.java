package io.infertune.runtime.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
  @TempDir Path cache;

  @Test
  void extractsOnceUnderANameThatCarriesTheSize() throws Exception {
    ModelFiles files = new ModelFiles(cache);
    Path onnx = files.onnxFile(ModelVariant.INT8);
    long size = Files.size(onnx);
    assertThat(onnx.getParent()).isEqualTo(cache.toAbsolutePath());
    assertThat(onnx.getFileName().toString())
        .isEqualTo(ModelFiles.sizedName(ModelVariant.INT8.onnxResource(), size))
        .startsWith("all-minilm-l6-v2-q-");
    FileTime written = FileTime.fromMillis(1_000_000);
    Files.setLastModifiedTime(onnx, written);

    assertThat(new ModelFiles(cache).onnxFile(ModelVariant.INT8)).isEqualTo(onnx);
    assertThat(Files.getLastModifiedTime(onnx)).as("not extracted again").isEqualTo(written);
    try (var listing = Files.list(cache)) {
      assertThat(listing).as("no temporary file left behind").containsExactly(onnx);
    }
  }

  @Test
  void aTruncatedFileIsExtractedAgain() throws Exception {
    ModelFiles files = new ModelFiles(cache);
    Path onnx = files.onnxFile(ModelVariant.INT8);
    long size = Files.size(onnx);
    Files.write(onnx, new byte[] {1, 2, 3});

    assertThat(files.onnxFile(ModelVariant.INT8)).isEqualTo(onnx);
    assertThat(Files.size(onnx)).isEqualTo(size);
  }

  @Test
  void sizedNamesKeepTheExtension() {
    assertThat(ModelFiles.sizedName("model.onnx", 42)).isEqualTo("model-42.onnx");
    assertThat(ModelFiles.sizedName("model", 42)).isEqualTo("model-42");
  }

  @Test
  void readsTheTokenizerOfEachVariant() throws Exception {
    ModelFiles files = new ModelFiles(cache);
    assertThat(files.tokenizer(ModelVariant.FP32).vocabularySize()).isEqualTo(30522);
    assertThat(files.tokenizer(ModelVariant.INT8).encode("hello world"))
        .containsExactly(101, 7592, 2088, 102);
  }
}
