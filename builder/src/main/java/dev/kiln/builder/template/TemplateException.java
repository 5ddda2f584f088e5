package dev.kiln.builder.template;

/** Function code that a template cannot turn into an image, with what to change. */
public final class TemplateException extends IllegalArgumentException {
  /** A problem with the function code. */
  public TemplateException(String message) {
    super(message);
  }
}
