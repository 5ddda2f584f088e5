package dev.kiln.builder.base;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A binary that goes into a base needs a shared library the host does not have ({@code ldd}
 * reported it {@code not found}), so the base would not run.
 */
public class MissingSharedLibraryException extends IOException {

  private final Path binary;
  private final String library;

  /** {@code binary} needs {@code library}, which the dynamic linker cannot find on this host. */
  public MissingSharedLibraryException(Path binary, String library) {
    super(
        "shared library '"
            + library
            + "' needed by "
            + binary
            + " was not found on this host (ldd: not found); install the package that provides"
            + " it, or point Kiln at another installation of the runtime");
    this.binary = binary;
    this.library = library;
  }

  /** The executable or shared object that needs the library. */
  public Path binary() {
    return binary;
  }

  /** The missing library's name as the binary asks for it, such as {@code libssl.so.3}. */
  public String library() {
    return library;
  }
}
