package io.infertune.runtime.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Placeholders in command lines: {@code {name}} is replaced by the variable {@code name}'s value. A
 * variable holds a list of arguments, so that one placeholder can stand for a program that takes
 * several words to run ({@code {java}} is one path, {@code {infertune}} may be {@code java -cp ...
 * io.infertune.api.Main}): an argument that is exactly {@code {name}} becomes all of them (none for
 * an empty list); inside a longer argument ({@code --port={port}}) the variable must have exactly
 * one value.
 *
 * <p>Only {@code {identifier}} is a placeholder, so JSON in an argument ({@code {"a": 1}}) is left
 * alone and needs no escaping.
 */
final class Templates {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_][a-z0-9_]*)\\}");

  private Templates() {}

  /**
   * The arguments of {@code template} with every placeholder replaced.
   *
   * @param what names the template in error messages
   * @throws IllegalArgumentException naming the placeholders that have no variable, or a variable
   *     of several values used inside an argument
   */
  static List<String> expand(List<String> template, Map<String, List<String>> vars, String what) {
    requireKnown(template, vars, what);
    List<String> out = new ArrayList<>();
    for (String arg : template) {
      Matcher whole = PLACEHOLDER.matcher(arg);
      if (whole.matches()) {
        out.addAll(vars.get(whole.group(1)));
      } else {
        out.add(expandOne(arg, vars, what));
      }
    }
    return out;
  }

  /** One argument with its placeholders replaced; each variable used must have one value. */
  static String expandOne(String arg, Map<String, List<String>> vars, String what) {
    requireKnown(List.of(arg), vars, what);
    Matcher m = PLACEHOLDER.matcher(arg);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      List<String> value = vars.get(m.group(1));
      if (value.size() != 1) {
        throw new IllegalArgumentException(
            what
                + ": {"
                + m.group(1)
                + "} stands for "
                + value.size()
                + " arguments "
                + value
                + " and can only be used as a whole argument, not inside '"
                + arg
                + "'");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value.get(0)));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** The placeholder names {@code template} uses. */
  static List<String> placeholders(List<String> template) {
    List<String> out = new ArrayList<>();
    for (String arg : template) {
      Matcher m = PLACEHOLDER.matcher(arg);
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /** {@code name} if {@code text} is exactly one placeholder, as in {@code "max": "{cores}"}. */
  static java.util.Optional<String> wholePlaceholder(String text) {
    Matcher m = PLACEHOLDER.matcher(text);
    return m.matches() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
  }

  private static void requireKnown(
      List<String> template, Map<String, List<String>> vars, String what) {
    TreeSet<String> missing = new TreeSet<>();
    for (String name : placeholders(template)) {
      if (!vars.containsKey(name)) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          what
              + " needs "
              + (missing.size() == 1 ? "variable " : "variables ")
              + missing
              + " (known: "
              + new TreeSet<>(vars.keySet())
              + ")");
    }
  }
}
