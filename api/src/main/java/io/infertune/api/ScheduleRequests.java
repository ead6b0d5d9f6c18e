package io.infertune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.schedule.ScheduleSpec;
import io.infertune.tuner.trial.CampaignSpec;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the body of {@code POST} or {@code PUT /api/v1/schedules} into a {@link ScheduleSpec}, and
 * a schedule's template into the campaign it starts. A template is checked exactly as a campaign
 * request is ({@link CampaignRequests}), when the schedule is written and again at every run;
 * errors name the field, the template's under {@code template.}.
 *
 * <pre>
 * {"name": "...", "cron": "0 3 * * *", "zone": "UTC", "template": {campaign request},
 *  "enabled": true, "warmStart": true, "retuneOnDrift": false}
 * </pre>
 *
 * {@code zone} (default UTC), {@code enabled} and {@code warmStart} (default true), {@code
 * retuneOnDrift} (default false) may be left out; an unknown member, here or in the template, is
 * refused (400 naming it), as everywhere in the API.
 *
 * @implNote thread-safe.
 */
final class ScheduleRequests {
  /** The default zone, by its region id: shown as {@code UTC} (not {@code Z}, as an offset). */
  private static final ZoneId UTC = ZoneId.of("UTC");

  private static final Set<String> MEMBERS =
      Set.of("name", "cron", "zone", "template", "enabled", "warmStart", "retuneOnDrift");

  private final CampaignRequests campaigns;

  ScheduleRequests(CampaignRequests campaigns) {
    this.campaigns = campaigns;
  }

  /**
   * The schedule a request body asks for, its template checked against the runtime's knobs.
   *
   * @throws ApiException 400 naming the field at fault
   */
  ScheduleSpec parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest(null, "the body must be a JSON object");
    }
    RequestBodies.requireKnownMembers(body, "", MEMBERS);
    String name = requiredText(body, "name");
    if (name.isBlank() || name.length() > 200) {
      throw ApiException.badRequest("name", "name must be 1-200 characters");
    }
    String cron = requiredText(body, "cron");
    if (cron.length() > ScheduleSpec.MAX_CRON_LENGTH) {
      throw ApiException.badRequest(
          "cron", "cron must be at most " + ScheduleSpec.MAX_CRON_LENGTH + " characters");
    }
    ZoneId zone = zone(body);
    try {
      CronSchedule.parse(cron, zone);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("cron", e.getMessage());
    }
    JsonNode template = body.get("template");
    if (template == null || template.isNull()) {
      throw ApiException.badRequest(
          "template", "template is required: the campaign request the schedule starts");
    }
    if (!template.isObject()) {
      throw ApiException.badRequest("template", "template must be a JSON object");
    }
    String templateJson = WireFormat.toJson(template);
    ScheduleSpec spec =
        new ScheduleSpec(
            name,
            cron,
            zone,
            templateJson,
            flag(body, "enabled", true),
            flag(body, "warmStart", true),
            flag(body, "retuneOnDrift", false));
    campaignSpec(spec);
    return spec;
  }

  /**
   * The campaign a schedule starts: its template as a campaign request, named after the schedule
   * when the template names no campaign.
   *
   * @throws ApiException 400 naming the template's field at fault ({@code template.budget...})
   */
  CampaignSpec campaignSpec(ScheduleSpec schedule) {
    JsonNode template;
    try {
      template = WireFormat.parse(schedule.template());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("template", "template is not valid JSON: " + e.getMessage());
    }
    if (!(template instanceof ObjectNode request)) {
      throw ApiException.badRequest("template", "template must be a JSON object");
    }
    if (!request.has("name")) {
      request.put("name", schedule.name());
    }
    try {
      return campaigns.parse(request);
    } catch (ApiException e) {
      Optional<String> field = Optional.of(e.field().map(f -> "template." + f).orElse("template"));
      throw new ApiException(e.status(), e.getMessage(), field);
    }
  }

  private static String requiredText(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      throw ApiException.badRequest(field, field + " is required");
    }
    if (!n.isTextual()) {
      throw ApiException.badRequest(field, field + " must be a string, got " + n);
    }
    return n.asText();
  }

  private static ZoneId zone(JsonNode body) {
    JsonNode n = body.get("zone");
    if (n == null || n.isNull()) {
      return UTC;
    }
    if (!n.isTextual()) {
      throw ApiException.badRequest("zone", "zone must be a string, got " + n);
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(n.asText());
    } catch (DateTimeException e) {
      throw ApiException.badRequest(
          "zone",
          "unknown time zone '"
              + n.asText()
              + "': use a region id such as Europe/Berlin, or UTC ("
              + e.getMessage()
              + ")");
    }
    if (zone.getId().length() > ScheduleSpec.MAX_ZONE_LENGTH) {
      throw ApiException.badRequest(
          "zone", "zone must be at most " + ScheduleSpec.MAX_ZONE_LENGTH + " characters");
    }
    return zone;
  }

  private static boolean flag(JsonNode body, String field, boolean otherwise) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return otherwise;
    }
    if (!n.isBoolean()) {
      throw ApiException.badRequest(field, field + " must be true or false, got " + n);
    }
    return n.booleanValue();
  }
}
