package ccotel.budget;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/** Which webhook addresses a budget accepts: HTTPS, or plain HTTP only where it is safe. */
public final class WebhookUrls {

  private WebhookUrls() {}

  /**
   * The URL if alerts may be POSTed to it: {@code https://HOST...}, or {@code http://} to a
   * loopback host (a receiver on this machine), or {@code http://} anywhere when {@code allowHttp}
   * (the operator's explicit choice: the alert and its signature then cross the network in clear).
   *
   * @throws IllegalArgumentException saying why not
   */
  public static URI check(String text, boolean allowHttp) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("--webhook is not a URL: '" + text + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException(
          "--webhook must be a URL such as https://hooks.example.com/ccotel, not '" + text + "'");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("--webhook must not carry a user name or password");
    }
    if (scheme.equals("https")) {
      return uri;
    }
    if (!scheme.equals("http")) {
      throw new IllegalArgumentException("--webhook must be https://, not " + scheme + "://");
    }
    if (allowHttp || isLoopback(uri.getHost())) {
      return uri;
    }
    throw new IllegalArgumentException(
        "--webhook http://"
            + uri.getHost()
            + " would send alerts unencrypted; use https://, or pass --allow-http-webhook");
  }

  /** Only literal loopback names: no DNS lookup, whose answer could change later. */
  static boolean isLoopback(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.equals("localhost")) {
      return true;
    }
    if (!name.matches("[0-9.]+") && !name.startsWith("[")) {
      return false;
    }
    try {
      return InetAddress.getByName(name).isLoopbackAddress(); // a literal: parsed, not looked up
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
