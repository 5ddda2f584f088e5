package dev.kiln.node.image;

import dev.kiln.common.Digest;
import java.io.IOException;

/**
 * A layer tar broke an unpacking rule (path escape, device node, size limit, ...). The layer was
 * rejected as a whole: nothing of it was kept in the cache and nothing was written outside it.
 */
public final class HostileLayerException extends IOException {
  private final transient Digest diffId;
  private final String entry;
  private final String rule;

  /** Entry {@code entry} of layer {@code diffId} broke {@code rule}. */
  public HostileLayerException(Digest diffId, String entry, String rule) {
    super("layer " + diffId + ": entry '" + printable(entry) + "' " + rule);
    this.diffId = diffId;
    this.entry = entry;
    this.rule = rule;
  }

  /** The layer's diff_id. */
  public Digest diffId() {
    return diffId;
  }

  /** The offending entry's name as it appears in the tar. */
  public String entry() {
    return entry;
  }

  /** The rule the entry broke, e.g. {@code escapes the layer root}. */
  public String rule() {
    return rule;
  }

  /** Escapes control characters (NUL included) so a hostile name cannot forge log lines. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
