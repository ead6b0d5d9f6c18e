package io.infertune.store.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.LiveMode;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A campaign spec's live mode: absent for offline campaigns, read with its default, refused. */
class LiveModeWireFormatTest {
  private static final CampaignSpec LIVE =
      TrialStoreContract.spec().withLive(Optional.of(new LiveMode(0.1)));

  @Test
  void aLiveSpecRoundTrips() {
    JsonNode json = WireFormat.writeCampaignSpec(LIVE);
    assertThat(json.get("live").toString()).isEqualTo("{\"trustRegion\":0.1}");
    assertThat(WireFormat.readCampaignSpec(WireFormat.parse(WireFormat.toJson(json))))
        .isEqualTo(LIVE);
  }

  @Test
  void anOfflineSpecHasNoLiveMemberAndOlderSpecsReadAsOffline() {
    JsonNode json = WireFormat.writeCampaignSpec(TrialStoreContract.spec());
    assertThat(json.has("live")).isFalse();
    assertThat(WireFormat.readCampaignSpec(json).live()).isEmpty();
  }

  @Test
  void anEmptyLiveObjectTakesTheDefaultTrustRegion() {
    JsonNode json = JsonEdits.with(WireFormat.writeCampaignSpec(LIVE), "live", "{}");
    assertThat(WireFormat.readCampaignSpec(json).live()).contains(LiveMode.DEFAULT);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          live.trustRegion | 0      | live.trustRegion
          live.trustRegion | 1.5    | live.trustRegion
          live.trustRegion | "wide" | live.trustRegion
          live             | true   | live
          """)
  void badMembersAreRefusedNamingTheField(String path, String value, String field) {
    JsonNode bad = JsonEdits.with(WireFormat.writeCampaignSpec(LIVE), path, value);
    FieldException e =
        catchThrowableOfType(FieldException.class, () -> WireFormat.readCampaignSpec(bad));
    assertThat(e).as("a FieldException").isNotNull();
    assertThat(e.field()).isEqualTo(field);
  }
}
