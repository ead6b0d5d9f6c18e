package io.infertune.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.run.CampaignOutcome;
import io.infertune.tuner.run.TuningListener;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.Trial;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The in-process event bus behind the server-sent event streams: hears the campaigns' {@link
 * TuningListener} hooks and hands each event to the subscribers of that campaign and to those of
 * every campaign.
 *
 * <p>Events carry ids {@code <epoch>-<sequence>}: the sequence grows by one per event in this
 * process, and the epoch (one per process) tells an id from before a restart, which can never be
 * replayed. The last {@link #REPLAY_EVENTS} events of each running campaign, and of all campaigns
 * together, are kept so that a client that reconnects with {@code Last-Event-ID} gets what it
 * missed; otherwise it gets a fresh snapshot from the store. A campaign's events are dropped when
 * it ends, except its {@code campaign-finished} event, kept for the last {@link
 * #REMEMBERED_FINISHED} campaigns: its final status reaches the store only after the listeners ran,
 * so a client that subscribes in between needs it.
 *
 * <p>Delivery never blocks the campaign's thread: {@link Subscriber#deliver} must only enqueue.
 *
 * @implNote thread-safe: one lock guards the channels; deliveries happen under it, in order.
 */
final class CampaignEvents implements TuningListener {
  /** Events kept per running campaign (and for all campaigns together) for reconnecting clients. */
  static final int REPLAY_EVENTS = 256;

  /** Finished campaigns whose final event is remembered. */
  static final int REMEMBERED_FINISHED = 256;

  static final String CAMPAIGN_STARTED = "campaign-started";
  static final String TRIAL_STARTED = "trial-started";
  static final String TRIAL_FINISHED = "trial-finished";
  static final String DEPLOYMENT = "deployment";
  static final String CAMPAIGN_FINISHED = "campaign-finished";

  /**
   * One event: {@code data} is its JSON text, an object with {@code campaignId} and the payload.
   */
  record Event(String id, long sequence, String campaignId, String type, String data) {
    Event {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(campaignId, "campaignId");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(data, "data");
    }

    boolean finishesCampaign() {
      return type.equals(CAMPAIGN_FINISHED);
    }
  }

  /** Receives events; must return at once (enqueue, never write to a socket here). */
  interface Subscriber {
    void deliver(Event event);
  }

  /**
   * What a new subscriber is owed before the live events.
   *
   * @param replay the events after the client's {@code Last-Event-ID}, when they are all still
   *     kept; empty when a snapshot from the store is needed instead
   * @param finished the campaign's final event when it has already ended (then the subscriber was
   *     not registered: nothing more will come)
   * @param position the id of the last event published before the subscription, the id a snapshot
   *     taken now stands for
   */
  record Subscription(Optional<List<Event>> replay, Optional<Event> finished, String position) {}

  private static final class Channel {
    final Deque<Event> recent = new ArrayDeque<>();
    final Set<Subscriber> subscribers = new HashSet<>();

    void remember(Event e) {
      recent.addLast(e);
      if (recent.size() > REPLAY_EVENTS) {
        recent.removeFirst();
      }
    }
  }

  private final String epoch;
  private final Object lock = new Object();
  private long sequence;
  private final Map<String, Channel> running = new HashMap<>();
  private final Channel all = new Channel();

  /**
   * Final events of recently finished campaigns, oldest first, at most {@link
   * #REMEMBERED_FINISHED}.
   */
  private final LinkedHashMap<String, Event> finished =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
          return size() > REMEMBERED_FINISHED;
        }
      };

  /**
   * @param epoch tells this process's event ids from another's (letters and digits, no {@code -})
   */
  CampaignEvents(String epoch) {
    if (!epoch.matches("[A-Za-z0-9]{1,32}")) {
      throw new IllegalArgumentException("epoch must be 1-32 letters or digits: " + epoch);
    }
    this.epoch = epoch;
  }

  @Override
  public void campaignStarted(Campaign campaign) {
    ObjectNode data = payload(campaign.id());
    data.set("campaign", WireFormat.writeCampaign(campaign));
    publish(campaign.id(), CAMPAIGN_STARTED, data);
  }

  @Override
  public void trialStarted(Trial trial) {
    ObjectNode data = payload(trial.campaignId());
    data.set("trial", WireFormat.writeTrial(trial));
    publish(trial.campaignId(), TRIAL_STARTED, data);
  }

  @Override
  public void trialFinished(Trial trial) {
    ObjectNode data = payload(trial.campaignId());
    data.set("trial", WireFormat.writeTrial(trial));
    publish(trial.campaignId(), TRIAL_FINISHED, data);
  }

  @Override
  public void deploymentRecorded(Deployment deployment) {
    // A manual push has no campaign: the campaign streams only carry a campaign's own pushes.
    deployment
        .campaignId()
        .ifPresent(
            id -> {
              ObjectNode data = payload(id);
              data.set("deployment", WireFormat.writeDeployment(deployment));
              publish(id, DEPLOYMENT, data);
            });
  }

  @Override
  public void campaignFinished(CampaignOutcome outcome) {
    Campaign c = outcome.campaign();
    ObjectNode data = payload(c.id());
    data.set("campaign", WireFormat.writeCampaign(c));
    publish(c.id(), CAMPAIGN_FINISHED, data);
  }

  private static ObjectNode payload(String campaignId) {
    ObjectNode o = WireFormat.mapper().createObjectNode();
    o.put("campaignId", campaignId);
    return o;
  }

  private void publish(String campaignId, String type, ObjectNode data) {
    // Serialised outside the lock: the JSON of a trial is the costly part.
    String text = data.toString();
    synchronized (lock) {
      long n = ++sequence;
      Event e = new Event(epoch + "-" + n, n, campaignId, type, text);
      Channel channel = running.computeIfAbsent(campaignId, k -> new Channel());
      channel.remember(e);
      all.remember(e);
      channel.subscribers.forEach(s -> s.deliver(e));
      all.subscribers.forEach(s -> s.deliver(e));
      if (e.finishesCampaign()) {
        running.remove(campaignId);
        finished.put(campaignId, e);
      }
    }
  }

  /**
   * Subscribes to one campaign's events, unless it has ended.
   *
   * @param lastEventId the {@code Last-Event-ID} the client sent, if any
   */
  Subscription subscribe(String campaignId, Optional<String> lastEventId, Subscriber subscriber) {
    synchronized (lock) {
      Event end = finished.get(campaignId);
      if (end != null) {
        return new Subscription(Optional.empty(), Optional.of(end), position());
      }
      Channel channel = running.computeIfAbsent(campaignId, k -> new Channel());
      channel.subscribers.add(subscriber);
      return new Subscription(replay(channel, lastEventId), Optional.empty(), position());
    }
  }

  /** Subscribes to the events of every campaign. */
  Subscription subscribeAll(Optional<String> lastEventId, Subscriber subscriber) {
    synchronized (lock) {
      all.subscribers.add(subscriber);
      return new Subscription(replay(all, lastEventId), Optional.empty(), position());
    }
  }

  /** The id of the last event published; guarded by {@code lock}. */
  private String position() {
    return epoch + "-" + sequence;
  }

  /** Removes the subscriber wherever it is; idempotent. */
  void unsubscribe(Subscriber subscriber) {
    synchronized (lock) {
      all.subscribers.remove(subscriber);
      running
          .entrySet()
          .removeIf(
              e -> {
                Channel c = e.getValue();
                c.subscribers.remove(subscriber);
                // A channel made by a subscriber for a campaign that never ran: nothing to keep.
                return c.subscribers.isEmpty() && c.recent.isEmpty();
              });
    }
  }

  /** Subscribers now registered, over every channel (for tests and leak checks). */
  int subscriberCount() {
    synchronized (lock) {
      return all.subscribers.size()
          + running.values().stream().mapToInt(c -> c.subscribers.size()).sum();
    }
  }

  /**
   * The kept events after {@code lastEventId}, when it is one of this process's ids and nothing
   * after it has been dropped; empty otherwise (the client needs a snapshot).
   */
  private Optional<List<Event>> replay(Channel channel, Optional<String> lastEventId) {
    if (lastEventId.isEmpty()) {
      return Optional.empty();
    }
    String id = lastEventId.get().trim();
    int dash = id.lastIndexOf('-');
    if (dash < 0 || !id.substring(0, dash).equals(epoch)) {
      return Optional.empty();
    }
    long last;
    try {
      last = Long.parseLong(id.substring(dash + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (last > sequence || last < 0) {
      return Optional.empty();
    }
    List<Event> after = new ArrayList<>();
    for (Event e : channel.recent) {
      if (e.sequence() > last) {
        after.add(e);
      }
    }
    // Covered when the oldest kept event is at most one past the client's: in a channel the
    // sequence has gaps (other campaigns' events), so only "nothing dropped" can be checked.
    boolean nothingDropped =
        channel.recent.size() < REPLAY_EVENTS
            || channel.recent.isEmpty()
            || channel.recent.peekFirst().sequence() <= last;
    return nothingDropped ? Optional.of(after) : Optional.empty();
  }
}
