package ccotel.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files and directories that hold secrets (tokens, settings with tokens, the local databases):
 * owner-only from their first byte, and written whole or not at all.
 */
final class SecretFiles {

  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  private SecretFiles() {}

  /** What goes into a file, written to the stream of its not yet visible temporary copy. */
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes {@code file} readable and writable by its owner only. */
  static void write(Path file, byte[] bytes) throws IOException {
    write(file, out -> out.write(bytes), Optional.empty());
  }

  /**
   * Writes {@code file} whole, or leaves it as it was: the content goes to a temporary file in the
   * same directory, created owner-only (so no other user can open it while it fills, whatever the
   * umask), which then takes {@code mode} (owner-only when empty) and is moved over {@code file} in
   * one step. A symbolic link at {@code file} is kept: its target is written.
   */
  static void write(Path file, Content content, Optional<Set<PosixFilePermission>> mode)
      throws IOException {
    Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file.toAbsolutePath();
    Path directory = target.getParent();
    boolean posix = isPosix(directory);
    Path temporary =
        posix
            ? Files.createTempFile(
                directory,
                "." + target.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY))
            : Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        content.writeTo(out);
      }
      if (posix && mode.isPresent()) {
        Files.setPosixFilePermissions(temporary, mode.get());
      }
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** The file's POSIX mode, if the file system has them. */
  static Optional<Set<PosixFilePermission>> modeOf(Path file) throws IOException {
    return isPosix(file) ? Optional.of(Files.getPosixFilePermissions(file)) : Optional.empty();
  }

  /**
   * Creates {@code directory} (and missing parents) owner-only, or makes an existing one
   * owner-only, with every file and directory below it: what an earlier version left readable is
   * closed too.
   */
  static void ownerOnlyDirectory(Path directory) throws IOException {
    if (isPosix(directory)) {
      Files.createDirectories(
          directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
    } else {
      Files.createDirectories(directory);
    }
    restrictTree(directory);
  }

  /**
   * Sets every directory below {@code root} (and {@code root}) to 0700 and every file to 0600: the
   * embedded databases create their files with the process umask, which Java cannot set.
   */
  static void restrictTree(Path root) throws IOException {
    if (!isPosix(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        if (Files.isSymbolicLink(path)) {
          continue;
        }
        try {
          Files.setPosixFilePermissions(
              path, Files.isDirectory(path) ? OWNER_ONLY_DIRECTORY : OWNER_ONLY);
        } catch (NoSuchFileException e) {
          // a database's temporary file, gone between the listing and here
        }
      }
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof NoSuchFileException)) {
        throw e.getCause();
      }
    }
  }

  private static boolean isPosix(Path path) throws IOException {
    Path existing = path == null ? null : path.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return false;
    }
    FileStore store = Files.getFileStore(existing);
    return store.supportsFileAttributeView(PosixFileAttributeView.class);
  }
}
