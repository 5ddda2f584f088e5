package dev.kiln.node.image;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Translates a tar entry into a {@link LayerEntry} and applies the checks that need no state: path
 * normalisation and escapes, entry types, lengths and depth. The checks that need the tree (symlink
 * parents, hardlink targets) are the {@link LayerWriter}'s.
 *
 * <p>Names are normalised the way Docker does: leading {@code /} and {@code ./} are dropped, empty
 * and {@code .} components are ignored. Any {@code ..} component is refused outright rather than
 * resolved, so no name can point outside the layer whatever it resolves to.
 */
final class EntryRules {
  static final String WHITEOUT_PREFIX = ".wh.";
  static final String OPAQUE_MARKER = ".wh..wh..opq";
  private static final String META_PREFIX = ".wh..wh.";

  private final UnpackLimits limits;

  EntryRules(UnpackLimits limits) {
    this.limits = limits;
  }

  /** The entry as an action, or a {@link Violation} naming the rule it broke. */
  LayerEntry translate(TarArchiveEntry e) throws Violation {
    String name = e.getName();
    String path = normalise(name);
    int mode = e.getMode();
    LayerEntry.Kind kind;
    String link = null;
    if (e.isCharacterDevice()) {
      throw new Violation("is a character device; device nodes are not allowed in layers");
    } else if (e.isBlockDevice()) {
      throw new Violation("is a block device; device nodes are not allowed in layers");
    } else if (e.isFIFO()) {
      throw new Violation("is a fifo; device nodes and fifos are not allowed in layers");
    } else if (e.isSymbolicLink()) {
      kind = LayerEntry.Kind.SYMLINK;
      link = checkedSymlinkTarget(e.getLinkName());
    } else if (e.isLink()) {
      kind = LayerEntry.Kind.HARDLINK;
      link = normalise(e.getLinkName());
      if (link.isEmpty()) {
        throw new Violation("is a hardlink to the layer root");
      }
    } else if (e.isDirectory()) {
      kind = LayerEntry.Kind.DIRECTORY;
    } else if (e.isFile()) {
      kind = LayerEntry.Kind.FILE;
    } else {
      throw new Violation(
          "has unsupported tar type '"
              + (char) e.getLinkFlag()
              + "'; only files, directories,"
              + " symlinks and hardlinks are allowed");
    }
    String base = path.substring(path.lastIndexOf('/') + 1);
    String parent = path.lastIndexOf('/') < 0 ? "" : path.substring(0, path.lastIndexOf('/'));
    if (base.startsWith(WHITEOUT_PREFIX)) {
      if (kind == LayerEntry.Kind.DIRECTORY) {
        throw new Violation("is a directory named like a whiteout");
      }
      if (base.equals(OPAQUE_MARKER)) {
        return entry(LayerEntry.Kind.OPAQUE, e, name, parent, null, 0);
      }
      if (base.startsWith(META_PREFIX)) {
        return entry(LayerEntry.Kind.SKIP, e, name, path, null, 0);
      }
      String hidden = base.substring(WHITEOUT_PREFIX.length());
      if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
        throw new Violation("is a whiteout of '" + hidden + "', which is not a file name");
      }
      return entry(
          LayerEntry.Kind.WHITEOUT,
          e,
          name,
          parent.isEmpty() ? hidden : parent + "/" + hidden,
          null,
          0);
    }
    if (path.isEmpty() && kind != LayerEntry.Kind.DIRECTORY) {
      throw new Violation("replaces the layer root with a non-directory");
    }
    return entry(kind, e, name, path, link, permissions(kind, mode));
  }

  /** The normalised relative path of an entry name ({@code ""} for the root). */
  String normalise(String name) throws Violation {
    if (name.indexOf('\0') >= 0) {
      throw new Violation("contains a NUL byte");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > limits.maxPathLength()) {
      throw new Violation("has a path longer than " + limits.maxPathLength() + " bytes");
    }
    List<String> parts = new ArrayList<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new Violation("escapes the layer root");
      }
      parts.add(part);
    }
    if (parts.size() > limits.maxDepth()) {
      throw new Violation("is nested deeper than " + limits.maxDepth() + " directories");
    }
    return String.join("/", parts);
  }

  /**
   * Symlinks are kept verbatim, absolute targets included: they are resolved inside the container
   * at run time, and the writer never follows them while unpacking.
   */
  private String checkedSymlinkTarget(String target) throws Violation {
    if (target == null || target.isEmpty()) {
      throw new Violation("is a symlink with an empty target");
    }
    if (target.indexOf('\0') >= 0) {
      throw new Violation("is a symlink whose target contains a NUL byte");
    }
    if (target.getBytes(StandardCharsets.UTF_8).length > limits.maxPathLength()) {
      throw new Violation("is a symlink whose target is longer than " + limits.maxPathLength());
    }
    return target;
  }

  /** Permission bits only: setuid and setgid are dropped; the sticky bit survives on dirs. */
  static int permissions(LayerEntry.Kind kind, int mode) {
    return kind == LayerEntry.Kind.DIRECTORY ? mode & 01777 : mode & 0777;
  }

  private static LayerEntry entry(
      LayerEntry.Kind kind, TarArchiveEntry e, String name, String path, String link, int mode) {
    return new LayerEntry(
        kind,
        name,
        path,
        link,
        mode,
        kind == LayerEntry.Kind.FILE ? e.getSize() : 0,
        (int) e.getLongUserId(),
        (int) e.getLongGroupId(),
        e.getLastModifiedTime().toInstant());
  }

  /** A rule an entry broke, phrased to follow "entry 'name' ", e.g. "escapes the layer root". */
  static final class Violation extends Exception {
    Violation(String rule) {
      super(rule, null, false, false);
    }
  }
}
