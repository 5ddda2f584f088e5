package dev.kiln.builder.template;

import java.io.IOException;
import java.io.InputStream;

/** The runner programs that go into function images, packed into the builder's jar. */
final class Runners {

  static final String PYTHON = "python/runner.py";
  static final String PYTHON_MODULE_NAME = "kiln_runner";
  static final String PYTHON_MODULE_FILE = PYTHON_MODULE_NAME + ".py";
  static final String PYTHON_MODULE = "python/" + PYTHON_MODULE_FILE;
  static final String NODE = "node/runner.js";
  static final String JAVA = "java/kiln-runtime-java.jar";

  private Runners() {}

  /** The bytes of a runner resource. */
  static byte[] load(String name) throws IOException {
    try (InputStream in = Runners.class.getResourceAsStream("/dev/kiln/builder/runtimes/" + name)) {
      if (in == null) {
        throw new IOException(
            "this Kiln build lacks its "
                + name
                + " runner resource; rebuild Kiln with mvn package");
      }
      return in.readAllBytes();
    }
  }
}
