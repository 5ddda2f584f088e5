package dev.kiln.builder.kilnfile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The JSON ("exec") form of CMD, ENTRYPOINT and COPY: {@code ["python", "app.py"]}. */
final class ExecForm {

  /**
   * An argument meant as JSON: a '[' followed by a quote or ']'. Docker falls back to the shell
   * form for anything that fails to parse as JSON, which turns a missing ']' into a command that
   * fails at run time; Kiln reports it instead, but leaves shell tests like {@code [ -f x ]} alone.
   */
  private static final Pattern LOOKS_LIKE_JSON =
      Pattern.compile("\\[\\s*[\"'\\]].*", Pattern.DOTALL);

  private static final JsonFactory JSON = new JsonFactory();

  private ExecForm() {}

  /** Whether the arguments are meant as a JSON array. */
  static boolean isExecForm(String args) {
    return LOOKS_LIKE_JSON.matcher(args).matches();
  }

  /**
   * Parses a JSON array of strings.
   *
   * @param keyword the instruction, for messages
   * @throws IllegalArgumentException if the text is not exactly one JSON array of strings
   */
  static List<String> parse(String keyword, String args) {
    String example =
        " (the exec form is a JSON array of double-quoted strings, e.g. [\"python\", \"app.py\"])";
    List<String> items = new ArrayList<>();
    try (JsonParser parser = JSON.createParser(args)) {
      parser.nextToken();
      JsonToken token;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (token == null) {
          throw new IllegalArgumentException(
              keyword + ": unterminated JSON array, missing ']'" + example);
        }
        if (token != JsonToken.VALUE_STRING) {
          throw new IllegalArgumentException(
              keyword + ": JSON array items must be strings, got " + parser.getText() + example);
        }
        items.add(parser.getText());
      }
      // Compare the rest as text: asking the parser for another token would fail on any
      // non-JSON word with a less helpful message.
      long end = parser.currentLocation().getCharOffset();
      if (!args.substring((int) Math.min(end, args.length())).isBlank()) {
        throw new IllegalArgumentException(
            keyword + ": unexpected text after the JSON array's closing ']'" + example);
      }
    } catch (StreamReadException e) {
      String problem =
          e.getOriginalMessage().contains("end-of-input")
              ? "unterminated JSON array, missing ']'"
              : "invalid JSON array: " + firstLine(e.getOriginalMessage());
      throw new IllegalArgumentException(keyword + ": " + problem + example, e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(keyword + ": invalid JSON array" + example, e);
    } catch (IOException e) {
      // Reading from a String does no I/O.
      throw new UncheckedIOException(e);
    }
    return items;
  }

  /** Renders an argument vector as a compact JSON array. */
  static String render(List<String> command) {
    JsonStringEncoder encoder = JsonStringEncoder.getInstance();
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < command.size(); i++) {
      json.append(i == 0 ? "\"" : ",\"");
      encoder.quoteAsString(command.get(i), json);
      json.append('"');
    }
    return json.append(']').toString();
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return ShellWords.shown(newline < 0 ? message : message.substring(0, newline));
  }
}
