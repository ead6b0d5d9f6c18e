package io.infertune.store.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Edits a JSON tree at a path written as FieldException writes them, for error tests. */
final class JsonEdits {
  static final String REMOVE = "<remove>";
  private static final Pattern SEGMENT = Pattern.compile("([^.\\[]+)|\\[(\\d+)]");

  private JsonEdits() {}

  /** A copy of {@code root} with the member at {@code path} set to {@code json} or removed. */
  static JsonNode with(JsonNode root, String path, String json) {
    JsonNode copy = root.deepCopy();
    List<Object> segments = new ArrayList<>();
    Matcher m = SEGMENT.matcher(path);
    while (m.find()) {
      segments.add(m.group(1) != null ? m.group(1) : (Object) Integer.parseInt(m.group(2)));
    }
    JsonNode parent = copy;
    for (Object s : segments.subList(0, segments.size() - 1)) {
      parent = s instanceof Integer i ? parent.get(i) : parent.get((String) s);
    }
    Object last = segments.get(segments.size() - 1);
    if (last instanceof Integer i) {
      ArrayNode a = (ArrayNode) parent;
      if (json.equals(REMOVE)) {
        a.remove(i);
      } else {
        a.set(i, WireFormat.parse(json));
      }
    } else {
      ObjectNode o = (ObjectNode) parent;
      if (json.equals(REMOVE)) {
        o.remove((String) last);
      } else {
        o.set((String) last, WireFormat.parse(json));
      }
    }
    return copy;
  }
}
