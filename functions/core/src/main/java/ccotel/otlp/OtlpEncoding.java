package ccotel.otlp;

import java.util.Locale;
import java.util.Optional;

/** The two OTLP/HTTP body encodings, chosen by the request's media type. */
public enum OtlpEncoding {
  PROTOBUF("application/x-protobuf"),
  JSON("application/json");

  private final String mediaType;

  OtlpEncoding(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  /**
   * The encoding of a {@code Content-Type} header value. Media types compare case-insensitively and
   * parameters such as {@code ; charset=utf-8} are ignored, as the OTLP collector does.
   */
  public static Optional<OtlpEncoding> fromContentType(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    int semicolon = contentType.indexOf(';');
    String mediaType =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .trim()
            .toLowerCase(Locale.ROOT);
    for (OtlpEncoding encoding : values()) {
      if (encoding.mediaType.equals(mediaType)) {
        return Optional.of(encoding);
      }
    }
    return Optional.empty();
  }
}
