package ccotel.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.testing.OtlpRequests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** RFC 1952 as a body decoder: every member counts, nothing may follow the last one. */
class BoundedGunzipTest {

  private static final int LIMIT = 4 * 1024 * 1024;
  private static final byte[] DATA =
      "the export, several times over; ".repeat(50).getBytes(StandardCharsets.UTF_8);

  @Test
  void oneMember_isItsData() throws Exception {
    assertArrayEquals(DATA, BoundedGunzip.gunzip(OtlpRequests.gzip(DATA), LIMIT));
  }

  @Test
  void concatenatedMembers_areOneBody() throws Exception {
    byte[] first = Arrays.copyOf(DATA, 100);
    byte[] second = Arrays.copyOfRange(DATA, 100, DATA.length);

    byte[] body =
        BoundedGunzip.gunzip(
            concat(OtlpRequests.gzip(first), memberWithHeaderFields(second)), LIMIT);

    assertArrayEquals(DATA, body);
  }

  @Test
  void headerWithExtraNameCommentAndCrc_isRead() throws Exception {
    assertArrayEquals(DATA, BoundedGunzip.gunzip(memberWithHeaderFields(DATA), LIMIT));
  }

  @Test
  void bytesAfterTheLastMember_areRefused() {
    byte[] garbage = concat(OtlpRequests.gzip(DATA), "garbage".getBytes(StandardCharsets.UTF_8));

    IOException e = assertThrows(IOException.class, () -> BoundedGunzip.gunzip(garbage, LIMIT));
    assertTrue(e.getMessage().contains("7 bytes after the end of the gzip data"), e.getMessage());
  }

  @Test
  void oneZeroByteAfterTheLastMember_isRefused() {
    byte[] padded = concat(OtlpRequests.gzip(DATA), new byte[1]);

    assertThrows(IOException.class, () -> BoundedGunzip.gunzip(padded, LIMIT));
  }

  @Test
  void aTruncatedSecondMember_isRefused() {
    byte[] member = OtlpRequests.gzip(DATA);
    byte[] truncated = concat(member, Arrays.copyOf(member, 12));

    assertThrows(IOException.class, () -> BoundedGunzip.gunzip(truncated, LIMIT));
  }

  @Test
  void truncatedOrCorruptData_isRefused() {
    byte[] member = OtlpRequests.gzip(DATA);
    byte[] noTrailer = Arrays.copyOf(member, member.length - 8);
    byte[] wrongCrc = member.clone();
    wrongCrc[member.length - 8] ^= 1;
    byte[] wrongLength = member.clone();
    wrongLength[member.length - 1] ^= 1;

    for (byte[] bad :
        new byte[][] {new byte[0], noTrailer, wrongCrc, wrongLength, Arrays.copyOf(member, 5)}) {
      assertThrows(IOException.class, () -> BoundedGunzip.gunzip(bad, LIMIT));
    }
  }

  @Test
  void expandingPastTheLimit_stopsThere() {
    byte[] bomb = OtlpRequests.gzip(new byte[LIMIT + 1]);

    assertThrows(BoundedGunzip.TooLargeException.class, () -> BoundedGunzip.gunzip(bomb, LIMIT));
  }

  /** A member with FEXTRA, FNAME, FCOMMENT and FHCRC set, as some gzip writers make. */
  private static byte[] memberWithHeaderFields(byte[] data) {
    ByteArrayOutputStream member = new ByteArrayOutputStream();
    member.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3});
    member.writeBytes(new byte[] {3, 0, 'a', 'b', 'c'}); // FEXTRA: length 3, then the bytes
    member.writeBytes("export.pb\0".getBytes(StandardCharsets.ISO_8859_1));
    member.writeBytes("a comment\0".getBytes(StandardCharsets.ISO_8859_1));
    CRC32 headerCrc = new CRC32();
    headerCrc.update(member.toByteArray());
    member.write((int) headerCrc.getValue() & 0xFF);
    member.write((int) (headerCrc.getValue() >> 8) & 0xFF);
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    deflater.setInput(data);
    deflater.finish();
    byte[] buffer = new byte[data.length + 64];
    member.write(buffer, 0, deflater.deflate(buffer));
    deflater.end();
    CRC32 crc = new CRC32();
    crc.update(data);
    writeLittleEndian32(member, crc.getValue());
    writeLittleEndian32(member, data.length);
    return member.toByteArray();
  }

  private static void writeLittleEndian32(ByteArrayOutputStream out, long value) {
    for (int i = 0; i < 4; i++) {
      out.write((int) (value >> (8 * i)) & 0xFF);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
