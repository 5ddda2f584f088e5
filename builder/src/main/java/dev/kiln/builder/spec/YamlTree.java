package dev.kiln.builder.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns YAML text into a Jackson tree, refusing what a small config file never needs: anchors and
 * aliases (the "billion laughs" expansion attack), deep nesting, duplicate keys and oversized
 * input. The tree is built with an explicit stack so hostile nesting cannot overflow the Java
 * stack.
 */
final class YamlTree {

  /** Largest accepted file, in bytes: a kiln.yaml is a screenful of settings. */
  static final int MAX_BYTES = 64 * 1024;

  private static final int MAX_DEPTH = 16;

  private static final YAMLFactory FACTORY = newFactory();

  private YamlTree() {}

  private static YAMLFactory newFactory() {
    LoaderOptions loader = new LoaderOptions();
    // Belt and braces: we reject aliases ourselves below, but keep SnakeYAML's own guards tight.
    loader.setMaxAliasesForCollections(0);
    loader.setAllowRecursiveKeys(false);
    loader.setNestingDepthLimit(MAX_DEPTH);
    loader.setCodePointLimit(MAX_BYTES);
    return YAMLFactory.builder()
        .loaderOptions(loader)
        // YAML reads "key:" with nothing after it as null, not as an empty string.
        .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
        .streamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(MAX_BYTES)
                .maxNumberLength(100)
                .build())
        .build();
  }

  /**
   * Parses one YAML document.
   *
   * @return the root node, or {@code null} for an empty document
   * @throws SpecException on syntax errors (with line and column), anchors, aliases, duplicate keys
   *     or documents that are too deep
   */
  static JsonNode parse(String yaml, String source) {
    try (YAMLParser parser = (YAMLParser) FACTORY.createParser(yaml)) {
      return build(parser, source);
    } catch (StreamConstraintsException e) {
      throw new SpecException(
          source, null, "the document is nested too deeply or a value is too long", e);
    } catch (JsonParseException e) {
      throw syntaxError(e, source);
    } catch (IOException e) {
      throw new SpecException(source, null, "cannot read YAML: " + e.getMessage(), e);
    }
  }

  private static JsonNode build(YAMLParser parser, String source) throws IOException {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    Deque<JsonNode> open = new ArrayDeque<>();
    Deque<String> keys = new ArrayDeque<>();
    JsonNode root = null;
    String pendingKey = null;
    JsonToken token;
    while ((token = parser.nextToken()) != null) {
      rejectAnchorsAndAliases(parser, source);
      if (token == JsonToken.FIELD_NAME) {
        pendingKey = parser.currentName();
        if (open.peek() instanceof ObjectNode object && object.has(pendingKey)) {
          throw new SpecException(
              source, null, "duplicate key '" + pendingKey + "' " + at(parser.currentLocation()));
        }
        continue;
      }
      if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
        JsonNode done = open.pop();
        pendingKey = keys.pop();
        if (open.isEmpty()) {
          root = done;
        } else {
          attach(open.peek(), pendingKey, done);
        }
        continue;
      }
      JsonNode value =
          switch (token) {
            case START_OBJECT -> nodes.objectNode();
            case START_ARRAY -> nodes.arrayNode();
            case VALUE_STRING -> nodes.textNode(parser.getText());
            case VALUE_NUMBER_INT -> nodes.numberNode(parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> nodes.numberNode(parser.getDecimalValue());
            case VALUE_TRUE, VALUE_FALSE -> nodes.booleanNode(token == JsonToken.VALUE_TRUE);
            default -> nodes.nullNode();
          };
      if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
        open.push(value);
        keys.push(pendingKey == null ? "" : pendingKey);
      } else if (open.isEmpty()) {
        root = value;
      } else {
        attach(open.peek(), pendingKey, value);
      }
    }
    return root;
  }

  private static void attach(JsonNode parent, String key, JsonNode child) {
    if (parent instanceof ObjectNode object) {
      object.set(key, child);
    } else {
      ((ArrayNode) parent).add(child);
    }
  }

  private static void rejectAnchorsAndAliases(YAMLParser parser, String source) throws IOException {
    if (parser.isCurrentAlias()) {
      throw new SpecException(
          source,
          null,
          "YAML aliases (*"
              + parser.getText()
              + ") are not supported "
              + at(parser.currentLocation())
              + "; write the value out in full");
    }
    if (parser.getCurrentAnchor() != null) {
      throw new SpecException(
          source,
          null,
          "YAML anchors (&"
              + parser.getCurrentAnchor()
              + ") are not supported "
              + at(parser.currentLocation())
              + "; write the value out in full");
    }
  }

  private static SpecException syntaxError(JsonParseException e, String source) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      // SnakeYAML marks are 0-based; editors count from 1.
      return new SpecException(
          source,
          null,
          "invalid YAML at line "
              + (marked.getProblemMark().getLine() + 1)
              + ", column "
              + (marked.getProblemMark().getColumn() + 1)
              + ": "
              + marked.getProblem(),
          e);
    }
    return new SpecException(
        source, null, "invalid YAML " + at(e.getLocation()) + ": " + e.getOriginalMessage(), e);
  }

  private static String at(JsonLocation location) {
    if (location == null) {
      return "";
    }
    return "at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
