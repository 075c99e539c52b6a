package ccotel.ingest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Decompresses gzip without ever holding more than a limit: a gzip bomb stops at the limit. */
final class BoundedGunzip {

  private BoundedGunzip() {}

  /** Thrown when the decompressed body would exceed the limit. */
  static final class TooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    TooLargeException() {
      super("decompressed body too large");
    }
  }

  /**
   * @throws IOException if the bytes are not valid gzip
   * @throws TooLargeException past {@code limit} decompressed bytes
   */
  static byte[] gunzip(byte[] compressed, int limit) throws IOException, TooLargeException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, compressed.length * 4));
      byte[] buffer = new byte[8192];
      int total = 0;
      for (int n; (n = in.read(buffer)) > 0; ) {
        total += n;
        if (total > limit) {
          throw new TooLargeException();
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }
}
