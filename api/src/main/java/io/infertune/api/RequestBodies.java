package io.infertune.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infertune.store.json.WireFormat;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads request bodies as JSON, refusing with a 400 what is not one well-formed, reasonably shaped
 * JSON document in UTF-8, and checks the members of objects that handlers read by hand. (Bodies
 * over {@link ApiVerticle#MAX_BODY_BYTES} never get here: the body handler answers 413.)
 *
 * @implNote stateless and thread-safe.
 */
final class RequestBodies {
  /**
   * Deepest nesting of arrays and objects accepted. The deepest request the API knows (a schedule's
   * template's parameter's condition's values) is 5 levels; Jackson's own default is 1000.
   */
  static final int MAX_NESTING_DEPTH = 64;

  private static final ObjectMapper MAPPER = mapper();

  private RequestBodies() {}

  private static ObjectMapper mapper() {
    ObjectMapper m = WireFormat.mapper();
    m.getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());
    return m;
  }

  /**
   * Runs before the body handler, which decodes form bodies into attributes instead of keeping
   * their bytes: a body labelled {@code application/x-www-form-urlencoded} (what {@code curl -d}
   * sends) is relabelled as JSON, since the API reads every body as JSON, so that a JSON document
   * over 1 KiB or with a {@code %} in it reaches the handlers intact; a multipart body is refused
   * (415), since its bytes would be split into parts and an optional body would silently take its
   * default.
   */
  static void readFormsAsJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("content-type");
    String lower = type == null ? "" : type.trim().toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("multipart/")) {
      ctx.fail(
          new ApiException(
              415,
              "multipart bodies are not read: send the JSON document itself as the body",
              java.util.Optional.empty()));
      return;
    }
    if (lower.startsWith("application/x-www-form-urlencoded")) {
      ctx.request().headers().set("content-type", "application/json");
    }
    ctx.next();
  }

  /**
   * The request's body as a JSON tree.
   *
   * @throws ApiException 400 when there is no body, or it is not UTF-8, not JSON, or nested deeper
   *     than {@value #MAX_NESTING_DEPTH} levels
   */
  static JsonNode json(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw ApiException.badRequest(null, "a JSON body is required");
    }
    return parse(ctx.body().buffer().getBytes());
  }

  /** {@link #json}'s work on the bytes of a body. */
  static JsonNode parse(byte[] body) {
    requireUtf8(body);
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw ApiException.badRequest(null, "the body is empty: a JSON document is required");
      }
      return node;
    } catch (StreamConstraintsException e) {
      throw ApiException.badRequest(
          null,
          "the body is not acceptable JSON: nested deeper than "
              + MAX_NESTING_DEPTH
              + " levels, or a number or string too long ("
              + e.getOriginalMessage()
              + ")");
    } catch (JacksonException e) {
      throw ApiException.badRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest(null, "the body could not be read: " + e.getMessage());
    }
  }

  /** JSON is UTF-8 (RFC 8259); a strict decoder refuses overlong forms and lone surrogates too. */
  private static void requireUtf8(byte[] body) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    try {
      decoder.decode(in);
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(
          null, "the body is not valid UTF-8 (near byte " + in.position() + ")");
    }
  }

  /**
   * Refuses a member of {@code object} that is not among {@code known}, naming it: a misspelt
   * member would otherwise be ignored, and its default silently stand in.
   *
   * @param path where {@code object} is in the body ({@code ""} for the body itself)
   * @throws ApiException 400 naming the first unknown member
   */
  static void requireKnownMembers(JsonNode object, String path, Set<String> known) {
    Iterator<String> names = object.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        String field = path.isEmpty() ? name : path + "." + name;
        throw ApiException.badRequest(
            field,
            field
                + " is not a known member; known here: "
                + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }
}
