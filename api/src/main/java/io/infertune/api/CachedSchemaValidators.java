package io.infertune.api;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A contract whose schema repository builds each schema's validator once, for Vert.x's {@link
 * io.vertx.openapi.validation.RequestValidator}.
 *
 * <p>Why: vertx-openapi 5.0.7 asks the repository for a new validator for every parameter and body
 * of every request, and each one copies the repository's whole lookup table (every schema of the
 * document). Profiled under load (experiments/RESULTS.md, "API under load"), that copy was over
 * half of the API's CPU time for a cached listing. A validator holds no state between validations
 * (its fields are final; each validation keeps its own), so one per schema serves every request.
 * The validation itself, its transformers and its errors stay the library's.
 *
 * @implNote thread-safe; the cache holds one validator per schema of the document, by identity (the
 *     contract's schemas are built once and never change).
 */
final class CachedSchemaValidators {
  private CachedSchemaValidators() {}

  /** {@code contract} with a repository that keeps the validators it builds. */
  static OpenAPIContract of(OpenAPIContract contract) {
    return new Contract(contract, new Repository(contract.getSchemaRepository()));
  }

  private record Contract(OpenAPIContract delegate, Repository repository)
      implements OpenAPIContract {
    Contract {
      Objects.requireNonNull(delegate, "delegate");
      Objects.requireNonNull(repository, "repository");
    }

    @Override
    public SchemaRepository getSchemaRepository() {
      return repository;
    }

    @Override
    public Operation operation(String operationId) {
      return delegate.operation(operationId);
    }

    @Override
    public List<Operation> operations() {
      return delegate.operations();
    }

    @Override
    public List<Path> getPaths() {
      return delegate.getPaths();
    }

    @Override
    public JsonObject getRawContract() {
      return delegate.getRawContract();
    }

    @Override
    public OpenAPIVersion getVersion() {
      return delegate.getVersion();
    }

    @Override
    public List<Server> getServers() {
      return delegate.getServers();
    }

    @Override
    public Path findPath(String urlPath) {
      return delegate.findPath(urlPath);
    }

    @Override
    public Operation findOperation(String urlPath, HttpMethod method) {
      return delegate.findOperation(urlPath, method);
    }

    @Override
    public List<SecurityRequirement> getSecurityRequirements() {
      return delegate.getSecurityRequirements();
    }

    @Override
    public SecurityScheme securityScheme(String name) {
      return delegate.securityScheme(name);
    }
  }

  /** Keeps the validators of {@link #validator(JsonSchema)}; everything else is the delegate's. */
  private static final class Repository implements SchemaRepository {
    private final SchemaRepository delegate;
    private final Map<JsonSchema, Validator> validators =
        Collections.synchronizedMap(new IdentityHashMap<>());

    Repository(SchemaRepository delegate) {
      this.delegate = delegate;
    }

    @Override
    public Validator validator(JsonSchema schema) {
      return validators.computeIfAbsent(schema, delegate::validator);
    }

    @Override
    public SchemaRepository dereference(JsonSchema schema) {
      return delegate.dereference(schema);
    }

    @Override
    public SchemaRepository dereference(String uri, JsonSchema schema) {
      return delegate.dereference(uri, schema);
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs) {
      return delegate.preloadMetaSchema(fs);
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
      return delegate.preloadMetaSchema(fs, draft);
    }

    @Override
    public Validator validator(String ref) {
      return delegate.validator(ref);
    }

    @Override
    public Validator validator(String ref, JsonSchemaOptions options) {
      return delegate.validator(ref, options);
    }

    @Override
    public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
      return delegate.validator(schema, options, dereference);
    }

    @Override
    public JsonObject resolve(JsonObject schema) {
      return delegate.resolve(schema);
    }

    @Override
    public JsonSchema find(String pointer) {
      return delegate.find(pointer);
    }
  }
}
