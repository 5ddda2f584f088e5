package dev.kiln.image.layer;

/** The kinds of entry Kiln puts into a layer. */
public enum EntryKind {
  DIRECTORY,
  FILE,
  SYMLINK
}
