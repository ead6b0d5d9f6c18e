package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.run.CampaignOutcome;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The event bus behind the dashboard's streams, fed through its listener hooks. */
class CampaignEventsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final CampaignEvents events = new CampaignEvents("e1");

  private static final class Recorder implements CampaignEvents.Subscriber {
    final List<CampaignEvents.Event> received = new ArrayList<>();

    @Override
    public void deliver(CampaignEvents.Event event) {
      received.add(event);
    }

    List<String> types() {
      return received.stream().map(CampaignEvents.Event::type).toList();
    }
  }

  private static Trial trial(String campaign, int number) {
    return Trial.running(campaign, number, Configuration.of("batch_size", 8L), number == 0, T0);
  }

  private static Campaign campaign(String id) {
    return Campaign.created(id, TrialStoreContract.spec(), "operator", T0);
  }

  private void finish(String id) {
    events.campaignFinished(
        new CampaignOutcome(
            campaign(id).finished(CampaignStatus.COMPLETED, "done", T0),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of()));
  }

  @Test
  void aCampaignsEventsReachItsSubscribersAndThoseOfEveryCampaignButNoOther() {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    Recorder all = new Recorder();
    events.subscribe("a", Optional.empty(), a);
    events.subscribe("b", Optional.empty(), b);
    events.subscribeAll(Optional.empty(), all);

    events.campaignStarted(campaign("a"));
    events.trialStarted(trial("a", 0));
    events.trialFinished(trial("a", 0).ended(TrialStatus.ABORTED, "stopped", T0));
    events.trialStarted(trial("b", 0));

    assertThat(a.types())
        .containsExactly(
            CampaignEvents.CAMPAIGN_STARTED,
            CampaignEvents.TRIAL_STARTED,
            CampaignEvents.TRIAL_FINISHED);
    assertThat(b.types()).containsExactly(CampaignEvents.TRIAL_STARTED);
    assertThat(all.received).hasSize(4);
    assertThat(all.received).extracting(CampaignEvents.Event::id).doesNotHaveDuplicates();
    assertThat(a.received.get(2).data()).contains("\"campaignId\":\"a\"").contains("aborted");
  }

  @Test
  void aClientThatReconnectsGetsTheEventsItMissedWhenTheyAreStillKept() {
    Recorder first = new Recorder();
    events.subscribe("a", Optional.empty(), first);
    events.trialStarted(trial("a", 0));
    events.trialStarted(trial("b", 0));
    events.trialStarted(trial("a", 1));
    events.unsubscribe(first);
    String lastSeen = first.received.get(0).id();

    CampaignEvents.Subscription again =
        events.subscribe("a", Optional.of(lastSeen), new Recorder());

    assertThat(again.replay()).isPresent();
    assertThat(again.replay().get())
        .extracting(CampaignEvents.Event::id)
        .containsExactly(first.received.get(1).id());
    assertThat(again.position()).isEqualTo("e1-3");
  }

  @Test
  void anIdFromAnotherProcessOrFromBeforeTheKeptEventsNeedsASnapshot() {
    for (int i = 0; i < CampaignEvents.REPLAY_EVENTS + 10; i++) {
      events.trialStarted(trial("a", i));
    }
    assertThat(events.subscribe("a", Optional.of("other-3"), new Recorder()).replay()).isEmpty();
    assertThat(events.subscribe("a", Optional.of("e1-2"), new Recorder()).replay()).isEmpty();
    assertThat(events.subscribe("a", Optional.of("e1-999999"), new Recorder()).replay()).isEmpty();
    assertThat(events.subscribe("a", Optional.of("garbage"), new Recorder()).replay()).isEmpty();
    // The last kept events are still replayable.
    assertThat(events.subscribe("a", Optional.of("e1-260"), new Recorder()).replay())
        .hasValueSatisfying(r -> assertThat(r).hasSize(6));
  }

  @Test
  void afterItsEndACampaignIsNoLongerSubscribedToButItsFinalEventIsGiven() {
    Recorder during = new Recorder();
    events.subscribe("a", Optional.empty(), during);
    events.trialStarted(trial("a", 0));
    finish("a");

    assertThat(during.types())
        .containsExactly(CampaignEvents.TRIAL_STARTED, CampaignEvents.CAMPAIGN_FINISHED);
    Recorder late = new Recorder();
    CampaignEvents.Subscription s = events.subscribe("a", Optional.empty(), late);
    assertThat(s.finished()).hasValueSatisfying(e -> assertThat(e.data()).contains("completed"));
    events.trialStarted(trial("a", 5));
    assertThat(late.received).isEmpty();
  }

  @Test
  void unsubscribingForgetsTheSubscriberAndTheChannelsOfCampaignsThatNeverRan() {
    Recorder r = new Recorder();
    events.subscribe("never-ran", Optional.empty(), r);
    events.subscribeAll(Optional.empty(), r);
    assertThat(events.subscriberCount()).isEqualTo(2);

    events.unsubscribe(r);
    events.unsubscribe(r);

    assertThat(events.subscriberCount()).isZero();
    events.trialStarted(trial("never-ran", 0));
    assertThat(r.received).isEmpty();
  }
}
