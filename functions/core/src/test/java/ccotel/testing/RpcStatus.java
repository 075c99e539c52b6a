package ccotel.testing;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A decoded {@code google.rpc.Status} body, from either encoding. */
public record RpcStatus(int code, String message) {

  public static RpcStatus fromProtobuf(byte[] body) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(body);
      int code = 0;
      String message = "";
      for (int tag; (tag = in.readTag()) != 0; ) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> code = in.readInt32();
          case 2 -> message = in.readString();
          default -> in.skipField(tag);
        }
      }
      return new RpcStatus(code, message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RpcStatus fromJson(byte[] body) {
    var json = Json.read(body);
    return new RpcStatus(json.get("code").asInt(), json.get("message").asText());
  }
}
