package ccotel.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret files are owner-only from their first byte, and replaced whole or not at all. */
class SecretFilesTest {

  @TempDir Path dir;

  @Test
  void aNewFile_isOwnerOnlyWhileItIsWritten_andAfter() throws Exception {
    Path file = dir.resolve("local-connection.json");

    SecretFiles.write(
        file,
        out -> {
          // The only file there is the one being written, and no one else may read it.
          assertEquals(List.of("rw-------"), modes());
          out.write("{\"ingestToken\": \"ccotel_ingest_x\"}".getBytes(StandardCharsets.UTF_8));
        },
        Optional.empty());

    assertEquals(List.of("local-connection.json"), names());
    assertEquals("rw-------", mode(file));
    assertEquals("{\"ingestToken\": \"ccotel_ingest_x\"}", Files.readString(file));
  }

  @Test
  void anExistingFile_keepsItsTextUntilTheMove_thenTakesTheModeAsked() throws Exception {
    Path file = dir.resolve("settings.json");
    Files.writeString(file, "{\"model\": \"opus\"}");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

    SecretFiles.write(
        file,
        out -> {
          assertEquals("{\"model\": \"opus\"}", Files.readString(file));
          assertEquals(List.of("rw-------", "rw-r-----"), modes()); // the temporary sorts first
          out.write("{\"env\": {}}".getBytes(StandardCharsets.UTF_8));
        },
        Optional.of(PosixFilePermissions.fromString("rw-r-----")));

    assertEquals(List.of("settings.json"), names());
    assertEquals("rw-r-----", mode(file));
    assertEquals("{\"env\": {}}", Files.readString(file));
  }

  @Test
  void aFailedWrite_leavesTheFileAsItWas_andNoTemporary() throws Exception {
    Path file = dir.resolve("settings.json");
    Files.writeString(file, "{\"model\": \"opus\"}");

    assertThrows(
        IOException.class,
        () ->
            SecretFiles.write(
                file,
                out -> {
                  out.write('{');
                  throw new IOException("disk full");
                },
                Optional.empty()));

    assertEquals(List.of("settings.json"), names());
    assertEquals("{\"model\": \"opus\"}", Files.readString(file));
  }

  @Test
  void aSymbolicLink_staysALink_andItsTargetIsWritten() throws Exception {
    Path dotfiles = Files.createDirectory(dir.resolve("dotfiles"));
    Path target = dotfiles.resolve("settings.json");
    Files.writeString(target, "{}");
    Path link = Files.createSymbolicLink(dir.resolve("settings.json"), target);

    SecretFiles.write(link, "{\"env\": {}}".getBytes(StandardCharsets.UTF_8));

    assertTrue(Files.isSymbolicLink(link));
    assertEquals("{\"env\": {}}", Files.readString(target));
    assertEquals("rw-------", mode(target));
  }

  @Test
  void ownerOnlyDirectory_tightensWhatIsThere() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data/sqs"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path queue = Files.writeString(data.resolve("queues.mv.db"), "");
    Files.setPosixFilePermissions(queue, PosixFilePermissions.fromString("rw-r--r--"));

    SecretFiles.ownerOnlyDirectory(dir.resolve("data"));
    SecretFiles.ownerOnlyDirectory(dir.resolve("new/data"));

    assertEquals("rwx------", mode(dir.resolve("data")));
    assertEquals("rwx------", mode(data));
    assertEquals("rw-------", mode(queue));
    assertEquals("rwx------", mode(dir.resolve("new")));
    assertEquals("rwx------", mode(dir.resolve("new/data")));
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private List<String> modes() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().map(SecretFilesTest::mode).toList();
    }
  }

  private static String mode(Path path) {
    try {
      return PosixFilePermissions.toString(
          Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
