import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * How Elasticsearch's settings loader sees a YAML trust_restrictions file: Jackson's YAMLParser
 * (over SnakeYAML), with nested keys joined by dots as Settings.fromXContent joins them. For each
 * file argument prints one line: "LIST [json strings]", "VALUE json string", "MISSING", or
 * "ERROR message" when the parser refuses the file.
 */
public class JacksonYamlReference {
  public static void main(String[] args) throws Exception {
    for (String file : args) {
      try (JsonParser p = new YAMLFactory().createParser(Files.readString(Path.of(file)))) {
        System.out.println(subjectName(p));
      } catch (Exception e) {
        System.out.println("ERROR " + e.getMessage().split("\n")[0]);
      }
    }
  }

  private static String subjectName(JsonParser p) throws Exception {
    Deque<String> prefix = new ArrayDeque<>();
    String field = null;
    String found = "MISSING";
    JsonToken t;
    while ((t = p.nextToken()) != null) {
      switch (t) {
        case START_OBJECT:
          if (field != null) prefix.addLast(field);
          field = null;
          break;
        case END_OBJECT:
          if (!prefix.isEmpty()) prefix.removeLast();
          break;
        case FIELD_NAME:
          field = p.getText();
          break;
        case START_ARRAY: {
          List<String> items = new ArrayList<>();
          JsonToken item;
          while ((item = p.nextToken()) != JsonToken.END_ARRAY) items.add(item.isScalarValue() ? p.getText() : "<" + item + ">");
          if (key(prefix, field).equals("trust.subject_name")) found = "LIST " + json(items);
          break;
        }
        default:
          if (t.isScalarValue() && key(prefix, field).equals("trust.subject_name")) found = "VALUE " + json(List.of(p.getText()));
      }
    }
    return found;
  }

  private static String key(Deque<String> prefix, String field) {
    List<String> parts = new ArrayList<>(prefix);
    parts.add(String.valueOf(field));
    return String.join(".", parts);
  }

  private static String json(List<String> items) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) out.append(',');
      out.append('"');
      for (char c : items.get(i).toCharArray()) {
        if (c == '"' || c == '\\') out.append('\\').append(c);
        else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
        else out.append(c);
      }
      out.append('"');
    }
    return out.append(']').toString();
  }
}
