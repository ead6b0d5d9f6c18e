package io.infertune.store.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.PromotionPolicy;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A campaign spec's promotion policy: written whole, read with defaults, refused by field. */
class PromotionPolicyWireFormatTest {
  private static final CampaignSpec SPEC =
      TrialStoreContract.spec()
          .withPromotion(
              new PromotionPolicy(
                  7,
                  Optional.of(Duration.ofMillis(2500)),
                  0.01,
                  0.05,
                  Duration.ofMinutes(5),
                  Duration.ofSeconds(15)));

  @Test
  void aPolicyRoundTripsInsideItsSpec() {
    JsonNode json = WireFormat.writeCampaignSpec(SPEC);
    assertThat(json.get("promotion").toString())
        .isEqualTo(
            "{\"roundsPerArm\":7,\"roundWindowSeconds\":2.5,\"alpha\":0.01,"
                + "\"minRelativeImprovement\":0.05,\"watchSeconds\":300,"
                + "\"watchIntervalSeconds\":15}");
    assertThat(WireFormat.readCampaignSpec(json)).isEqualTo(SPEC);
    assertThat(WireFormat.readCampaignSpec(WireFormat.parse(WireFormat.toJson(json))))
        .isEqualTo(SPEC);
  }

  @Test
  void aSpecWithoutAPolicyGetsTheDefaultOne() {
    JsonNode stored = JsonEdits.with(WireFormat.writeCampaignSpec(SPEC), "promotion", "<remove>");
    assertThat(WireFormat.readCampaignSpec(stored).promotion()).isEqualTo(PromotionPolicy.DEFAULT);
    JsonNode nulled = JsonEdits.with(stored, "promotion", "null");
    assertThat(WireFormat.readCampaignSpec(nulled).promotion()).isEqualTo(PromotionPolicy.DEFAULT);
  }

  @Test
  void membersLeftOutTakeTheirDefaults() {
    PromotionPolicy p = WireFormat.readPromotionPolicy(WireFormat.parse("{\"alpha\": 0.1}"));
    assertThat(p.alpha()).isEqualTo(0.1);
    assertThat(p.roundsPerArm()).isEqualTo(PromotionPolicy.DEFAULT.roundsPerArm());
    assertThat(p.roundWindow()).isEmpty();
    assertThat(p.watch()).isEqualTo(PromotionPolicy.DEFAULT.watch());
    assertThat(WireFormat.readPromotionPolicy(WireFormat.parse("{}")))
        .isEqualTo(PromotionPolicy.DEFAULT);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          promotion.roundsPerArm           | 1        | promotion.roundsPerArm
          promotion.roundsPerArm           | "five"   | promotion.roundsPerArm
          promotion.roundWindowSeconds     | 0        | promotion.roundWindowSeconds
          promotion.alpha                  | 0        | promotion.alpha
          promotion.minRelativeImprovement | -0.1     | promotion.minRelativeImprovement
          promotion.watchSeconds           | -1       | promotion.watchSeconds
          promotion.watchIntervalSeconds   | 600      | promotion.watchIntervalSeconds
          promotion                        | 3        | promotion
          """)
  void badMembersAreRefusedNamingTheField(String path, String value, String field) {
    JsonNode bad = JsonEdits.with(WireFormat.writeCampaignSpec(SPEC), path, value);
    FieldException e =
        catchThrowableOfType(FieldException.class, () -> WireFormat.readCampaignSpec(bad));
    assertThat(e).as("a FieldException").isNotNull();
    assertThat(e.field()).isEqualTo(field);
  }
}
