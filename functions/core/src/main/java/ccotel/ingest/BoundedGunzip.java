package ccotel.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Decompresses gzip (RFC 1952) without ever holding more than a limit: a gzip bomb stops at the
 * limit. Concatenated members are one body, as the RFC and {@code gunzip} have it; any byte after
 * the last member is refused (the JDK's GZIPInputStream silently ignores such trailing bytes, so a
 * body could carry anything unseen). Each member's CRC-32 and length are checked.
 */
final class BoundedGunzip {

  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int RESERVED_FLAGS = 0xE0;

  private BoundedGunzip() {}

  /** Thrown when the decompressed body would exceed the limit. */
  static final class TooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    TooLargeException() {
      super("decompressed body too large");
    }
  }

  /**
   * @throws IOException if the bytes are not valid gzip, or bytes follow the last member
   * @throws TooLargeException past {@code limit} decompressed bytes
   */
  static byte[] gunzip(byte[] compressed, int limit) throws IOException, TooLargeException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, compressed.length * 4));
    Inflater inflater = new Inflater(true);
    try {
      int offset = 0;
      do {
        if (offset > 0 && !isMemberStart(compressed, offset)) {
          throw new ZipException(
              (compressed.length - offset) + " bytes after the end of the gzip data");
        }
        offset = member(compressed, offset, inflater, out, limit);
      } while (offset < compressed.length);
    } finally {
      inflater.end();
    }
    return out.toByteArray();
  }

  private static boolean isMemberStart(byte[] bytes, int offset) {
    return bytes.length - offset >= 2
        && (bytes[offset] & 0xFF) == 0x1F
        && (bytes[offset + 1] & 0xFF) == 0x8B;
  }

  /** Inflates the member at {@code offset} into {@code out}; returns the offset after it. */
  private static int member(
      byte[] in, int offset, Inflater inflater, ByteArrayOutputStream out, int limit)
      throws IOException, TooLargeException {
    int data = afterHeader(in, offset);
    inflater.reset();
    inflater.setInput(in, data, in.length - data);
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[8192];
    long memberSize = 0;
    try {
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new ZipException("gzip data ends too early");
        }
        if (out.size() + n > limit) {
          throw new TooLargeException();
        }
        out.write(buffer, 0, n);
        crc.update(buffer, 0, n);
        memberSize += n;
      }
    } catch (DataFormatException e) {
      throw new ZipException("invalid deflate data: " + e.getMessage());
    }
    int trailer = in.length - inflater.getRemaining();
    if (in.length - trailer < 8) {
      throw new ZipException("gzip trailer missing");
    }
    if (littleEndian32(in, trailer) != crc.getValue()) {
      throw new ZipException("gzip CRC-32 does not match the data");
    }
    if (littleEndian32(in, trailer + 4) != (memberSize & 0xFFFFFFFFL)) {
      throw new ZipException("gzip length does not match the data");
    }
    return trailer + 8;
  }

  /** The offset of the deflate data after the member header at {@code offset}. */
  private static int afterHeader(byte[] in, int offset) throws ZipException {
    if (in.length - offset < 10 || !isMemberStart(in, offset)) {
      throw new ZipException("not in gzip format");
    }
    if (in[offset + 2] != 8) {
      throw new ZipException("unsupported gzip compression method " + in[offset + 2]);
    }
    int flags = in[offset + 3] & 0xFF;
    if ((flags & RESERVED_FLAGS) != 0) {
      throw new ZipException("reserved gzip header flags set");
    }
    int at = offset + 10;
    if ((flags & FEXTRA) != 0) {
      need(in, at, 2);
      int length = (in[at] & 0xFF) | (in[at + 1] & 0xFF) << 8;
      at += 2;
      need(in, at, length);
      at += length;
    }
    if ((flags & FNAME) != 0) {
      at = afterZero(in, at);
    }
    if ((flags & FCOMMENT) != 0) {
      at = afterZero(in, at);
    }
    if ((flags & FHCRC) != 0) {
      need(in, at, 2);
      CRC32 crc = new CRC32();
      crc.update(in, offset, at - offset);
      if (((in[at] & 0xFF) | (in[at + 1] & 0xFF) << 8) != (crc.getValue() & 0xFFFF)) {
        throw new ZipException("gzip header CRC does not match");
      }
      at += 2;
    }
    return at;
  }

  private static void need(byte[] in, int at, int count) throws ZipException {
    if (in.length - at < count) {
      throw new ZipException("gzip header ends too early");
    }
  }

  private static int afterZero(byte[] in, int at) throws ZipException {
    for (int i = at; i < in.length; i++) {
      if (in[i] == 0) {
        return i + 1;
      }
    }
    throw new ZipException("gzip header ends too early");
  }

  private static long littleEndian32(byte[] in, int at) {
    return (in[at] & 0xFFL)
        | (in[at + 1] & 0xFFL) << 8
        | (in[at + 2] & 0xFFL) << 16
        | (in[at + 3] & 0xFFL) << 24;
  }
}
