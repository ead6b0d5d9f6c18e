package io.infertune.store.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.infertune.tuner.study.StudySpec;
import io.infertune.tuner.study.TrialOutcome;
import io.infertune.tuner.testkit.StudyStoreContract;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.CampaignSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link WireFormat#readStrictly} refuses members nobody asked for, at any depth, naming them;
 * whatever the writers write reads strictly; plain reads still ignore unknown members.
 */
class StrictReadingTest {
  private static final JsonNode SPEC = WireFormat.writeCampaignSpec(TrialStoreContract.spec());

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          colour                       | colour
          budget.maxTrails             | budget.maxTrails
          parameters[0].stepp          | parameters[0].stepp
          parameters[2].when.parnt     | parameters[2].when.parnt
          constraints[0].maximum       | constraints[0].maximum
          measurement.windowSecs       | measurement.windowSecs
          promotion.alfa               | promotion.alfa
          """)
  void anUnknownMemberAnywhereIsRefusedByName(String path, String field) {
    JsonNode withUnknown = JsonEdits.with(SPEC, path, "1");
    assertThat(WireFormat.readCampaignSpec(withUnknown)).isEqualTo(TrialStoreContract.spec());

    FieldException e =
        catchThrowableOfType(
            FieldException.class,
            () -> WireFormat.readStrictly(withUnknown, "", WireFormat::readCampaignSpec));
    assertThat(e).isNotNull();
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.getMessage()).startsWith(field + " is not a known member; known here: ");
  }

  @Test
  void theKnownMembersAreListed() {
    JsonNode withUnknown = JsonEdits.with(SPEC, "budget.maxTrails", "1");
    FieldException e =
        catchThrowableOfType(
            FieldException.class,
            () -> WireFormat.readStrictly(withUnknown, "", WireFormat::readCampaignSpec));
    assertThat(e.getMessage()).contains("maxTrials, maxDurationSeconds");
  }

  @Test
  void thePathIsPrefixed() {
    JsonNode withUnknown = JsonEdits.with(SPEC, "budget.maxTrails", "1");
    FieldException e =
        catchThrowableOfType(
            FieldException.class,
            () -> WireFormat.readStrictly(withUnknown, "template", WireFormat::readCampaignSpec));
    assertThat(e.field()).isEqualTo("template.budget.maxTrails");
  }

  @Test
  void whatTheWritersWriteReadsStrictly() {
    CampaignSpec campaign = WireFormat.readStrictly(SPEC, "", WireFormat::readCampaignSpec);
    assertThat(campaign).isEqualTo(TrialStoreContract.spec());
    JsonNode studyJson = WireFormat.writeStudySpec(StudyStoreContract.spec());
    StudySpec study = WireFormat.readStrictly(studyJson, "", WireFormat::readStudySpec);
    assertThat(study).isEqualTo(StudyStoreContract.spec());
    for (TrialOutcome outcome :
        new TrialOutcome[] {
          new TrialOutcome.Measured(Map.of("a", 1.0), Map.of("b", 2.0)),
          new TrialOutcome.Failed("oom")
        }) {
      TrialOutcome read =
          WireFormat.readStrictly(
              WireFormat.writeTrialOutcome(outcome), "", WireFormat::readTrialOutcome);
      assertThat(read).isEqualTo(outcome);
    }
  }

  @Test
  void anUnknownMemberOfAStudyOrAnOutcomeIsRefused() {
    JsonNode study = WireFormat.writeStudySpec(StudyStoreContract.spec());
    FieldException e =
        catchThrowableOfType(
            FieldException.class,
            () ->
                WireFormat.readStrictly(
                    JsonEdits.with(study, "objectives[0].goal", "1"),
                    "",
                    WireFormat::readStudySpec));
    assertThat(e.field()).isEqualTo("objectives[0].goal");

    JsonNode outcome = WireFormat.parse("{\"values\": {\"a\": 1}, \"metrix\": {}}");
    e =
        catchThrowableOfType(
            FieldException.class,
            () -> WireFormat.readStrictly(outcome, "", WireFormat::readTrialOutcome));
    assertThat(e.field()).isEqualTo("metrix");
  }

  @Test
  void aFailedReadIsReportedAsItIsAndLeavesPlainReadsLenient() {
    JsonNode bad = JsonEdits.with(JsonEdits.with(SPEC, "budget.maxTrials", "0"), "extra", "1");
    FieldException e =
        catchThrowableOfType(
            FieldException.class,
            () -> WireFormat.readStrictly(bad, "", WireFormat::readCampaignSpec));
    assertThat(e.field()).isEqualTo("budget.maxTrials");
    // Nothing of the strict read lingers on this thread.
    assertThat(WireFormat.readCampaignSpec(JsonEdits.with(SPEC, "extra", "1")))
        .isEqualTo(TrialStoreContract.spec());
  }
}
