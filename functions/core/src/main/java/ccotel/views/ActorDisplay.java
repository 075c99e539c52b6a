package ccotel.views;

import ccotel.usage.UserIdentity;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * How an answer shows an actor: as §4's {@code user_actor}, or as a pseudonym. It also orders the
 * records of a day, so a pseudonymous answer's order (and its page cursors) reveal nothing of the
 * e-mails behind it.
 */
public interface ActorDisplay {

  /** The actor as counted: e-mail, else account id or user id. */
  ActorDisplay FULL = new Full();

  static ActorDisplay pseudonymous(Pseudonyms pseudonyms) {
    return new Pseudonymous(pseudonyms);
  }

  /** Where the actor's record sorts within its day; also what a page cursor holds. */
  String position(UserIdentity actor);

  /** Writes the {@code "actor"} field. */
  void writeActor(JsonGenerator json, UserIdentity actor) throws IOException;

  /** The CSV columns that name the actor. */
  List<String> csvColumns();

  /** The actor's values of {@link #csvColumns()}, unquoted. */
  List<String> csvValues(UserIdentity actor);

  /** CONTRACT §4's actor. */
  final class Full implements ActorDisplay {

    private Full() {}

    /**
     * The value, then the kind: the order of {@link UserIdentity#compareTo}, since no stored value
     * holds a control character (NUL sorts before every character a value may hold).
     */
    @Override
    public String position(UserIdentity actor) {
      char kind = switch (actor.kind()) { // the order of UserIdentity.Kind
            case EMAIL -> '0';
            case ACCOUNT_UUID -> '1';
            case USER_ID -> '2';
          };
      return actor.value() + '\u0000' + kind;
    }

    @Override
    public void writeActor(JsonGenerator json, UserIdentity actor) throws IOException {
      json.writeObjectFieldStart("actor");
      json.writeStringField("type", "user_actor");
      if (actor.kind() == UserIdentity.Kind.EMAIL) {
        json.writeStringField("email_address", actor.value());
      } else {
        json.writeNullField("email_address");
        json.writeStringField("user_id", actor.value());
      }
      json.writeEndObject();
    }

    @Override
    public List<String> csvColumns() {
      return List.of("actor_email", "actor_user_id");
    }

    @Override
    public List<String> csvValues(UserIdentity actor) {
      boolean email = actor.kind() == UserIdentity.Kind.EMAIL;
      return List.of(email ? actor.value() : "", email ? "" : actor.value());
    }
  }

  /** {@code {"type": "pseudonymous_actor", "pseudonym": "p_…"}}: no e-mail, no id. */
  final class Pseudonymous implements ActorDisplay {

    private final Pseudonyms pseudonyms;

    private Pseudonymous(Pseudonyms pseudonyms) {
      this.pseudonyms = pseudonyms;
    }

    @Override
    public String position(UserIdentity actor) {
      return pseudonyms.of(actor);
    }

    @Override
    public void writeActor(JsonGenerator json, UserIdentity actor) throws IOException {
      json.writeObjectFieldStart("actor");
      json.writeStringField("type", "pseudonymous_actor");
      json.writeStringField("pseudonym", pseudonyms.of(actor));
      json.writeEndObject();
    }

    @Override
    public List<String> csvColumns() {
      return List.of("pseudonym");
    }

    @Override
    public List<String> csvValues(UserIdentity actor) {
      return List.of(pseudonyms.of(actor));
    }
  }
}
